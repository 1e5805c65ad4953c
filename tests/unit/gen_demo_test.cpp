#include <stb_image.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "gen/demo_backend.h"
#include "gen/demo_palette.h"
#include "gen/demo_render.h"

namespace aigen::gen {
namespace {

struct Decoded {
  int width = 0, height = 0, channels = 0;
  std::vector<uint8_t> pixels;
};

Decoded Decode(const std::string& png) {
  Decoded out;
  uint8_t* pixels = stbi_load_from_memory(
      reinterpret_cast<const stbi_uc*>(png.data()),
      static_cast<int>(png.size()), &out.width, &out.height, &out.channels, 3);
  if (pixels != nullptr) {
    out.pixels.assign(pixels,
                      pixels + static_cast<size_t>(out.width) * out.height * 3);
    stbi_image_free(pixels);
  }
  return out;
}

std::string Render(std::string_view prompt, int64_t seed, int width,
                   int height) {
  Result<std::string> png = RenderDemoPng(prompt, seed, width, height);
  REQUIRE(png.ok());
  return *png;
}

DemoBackend MakeDemo(int max_n = 0) {
  config::BackendConfig config;
  config.name = "Demo";
  config.type = "demo";
  config.concurrency = 2;
  config.max_n = max_n;
  return DemoBackend(config);
}

GenerateRequest Request(std::string prompt, int64_t seed, int n,
                        int size = 128) {
  GenerateRequest request;
  request.prompt = std::move(prompt);
  request.seed = seed;
  request.n = n;
  request.width = size;
  request.height = size;
  return request;
}

TEST_CASE("RenderDemoPng is deterministic and seed-sensitive", "[demo]") {
  const std::string a = Render("a sunset over the ocean", 7, 256, 256);
  CHECK(a == Render("a sunset over the ocean", 7, 256, 256));
  CHECK(a != Render("a sunset over the ocean", 8, 256, 256));
  CHECK(a != Render("a forest at night", 7, 256, 256));
}

TEST_CASE("RenderDemoPng decodes at exactly the requested size", "[demo]") {
  const std::vector<std::pair<int, int>> sizes = {
      {256, 256}, {512, 512}, {1024, 1024}, {1024, 576},
      {512, 768}, {64, 64},   {1, 1},       {333, 77}};
  for (auto [width, height] : sizes) {
    INFO(width << "x" << height);
    const Decoded image =
        Decode(Render("snowy mountains under a red sky", 3, width, height));
    CHECK(image.width == width);
    CHECK(image.height == height);
    CHECK(image.channels == 3);
    CHECK(image.pixels.size() == static_cast<size_t>(width) * height * 3);
  }
}

TEST_CASE("Every motif renders and decodes", "[demo]") {
  for (const char* prompt :
       {"", "a cat", "ocean sunset", "pine forest", "city skyline at night",
        "aurora over a frozen lake", "fire", "galaxy nebula", "abstract swirl",
        "stormy sea", "desert dunes", "golden mountains at dawn"}) {
    INFO(prompt);
    const Decoded image = Decode(Render(prompt, 1, 160, 120));
    CHECK(image.width == 160);
    CHECK(image.height == 120);
  }
}

TEST_CASE("The PNG says it is not AI", "[demo]") {
  const std::string png = Render("anything", 1, 128, 128);
  CHECK(png.find(std::string("tEXtSoftware\0aigen demo generator (not AI)",
                             42)) != std::string::npos);
}

TEST_CASE("DrawDemoCaption marks only the bottom-right corner", "[demo]") {
  for (auto [width, height] :
       std::vector<std::pair<int, int>>{{512, 512}, {64, 64}}) {
    std::vector<uint8_t> rgb(static_cast<size_t>(width) * height * 3, 128);
    DrawDemoCaption(rgb.data(), width, height);
    bool corner_changed = false, elsewhere_changed = false;
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < width; ++x) {
        const bool changed =
            rgb[(static_cast<size_t>(y) * width + x) * 3] != 128;
        const bool in_corner = x >= width / 2 && y >= height - 24;
        (in_corner ? corner_changed : elsewhere_changed) |= changed;
      }
    }
    INFO(width << "x" << height);
    CHECK(corner_changed);
    CHECK_FALSE(elsewhere_changed);
  }
}

TEST_CASE("RenderDemoPng refuses impossible sizes", "[demo]") {
  for (auto [width, height] : std::vector<std::pair<int, int>>{
           {0, 10}, {10, 0}, {-1, 5}, {5000, 10}}) {
    Result<std::string> png = RenderDemoPng("x", 1, width, height);
    REQUIRE_FALSE(png.ok());
    CHECK(png.status().code() == Code::kInvalidArgument);
  }
}

TEST_CASE("RenderDemoPng stops when progress says so", "[demo]") {
  int calls = 0;
  Result<std::string> png =
      RenderDemoPng("x", 1, 64, 64, [&](double) { return ++calls < 5; });
  REQUIRE_FALSE(png.ok());
  CHECK(png.status().code() == Code::kCanceled);
  CHECK(calls == 5);
}

TEST_CASE("Prompt words choose the motif", "[demo]") {
  CHECK(MakeDemoScene("a sunset", 1).sky == DemoSky::kSunset);
  CHECK(MakeDemoScene("Starry NIGHT", 1).moon);
  CHECK(MakeDemoScene("starry night", 1).stars > 0);
  CHECK(MakeDemoScene("night at sunset", 1).sky ==
        DemoSky::kNight);  // the first word wins
  CHECK(MakeDemoScene("calm ocean at noon", 1).water);
  CHECK(MakeDemoScene("deep forests", 1).land == DemoLand::kForest);
  CHECK(MakeDemoScene("mountains", 1).land == DemoLand::kMountains);
  CHECK(MakeDemoScene("two cities", 1).land == DemoLand::kCity);
  CHECK(MakeDemoScene("desert", 1).land == DemoLand::kDunes);
  CHECK(MakeDemoScene("galaxy", 1).land == DemoLand::kNone);
  CHECK(MakeDemoScene("snow", 1).snowfall);
  CHECK(MakeDemoScene("fire", 1).fire);
  CHECK(MakeDemoScene("aurora", 1).sky == DemoSky::kNight);
  CHECK(MakeDemoScene("abstract", 1).abstract);
  const DemoScene red = MakeDemoScene("red sunset", 1);
  const DemoScene plain = MakeDemoScene("sunset", 1);
  CHECK(red.accent.r > red.accent.g);
  CHECK(red.sky_horizon.g < plain.sky_horizon.g);
  CHECK(MakeDemoScene("sunsets", 1).sky == DemoSky::kSunset);  // plurals count
}

TEST_CASE("DemoSeedFor is deterministic and small", "[demo]") {
  CHECK(DemoSeedFor("a cat") == DemoSeedFor("a cat"));
  CHECK(DemoSeedFor("a cat") != DemoSeedFor("a dog"));
  for (const char* prompt : {"", "a", "a cat", "snow"}) {
    CHECK(DemoSeedFor(prompt) >= 0);
    CHECK(DemoSeedFor(prompt) < (int64_t{1} << 31));
  }
  CHECK(Fnv1a64("") == 0xcbf29ce484222325ULL);  // the published offset basis
  CHECK(Fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
}

TEST_CASE("DemoBackend info", "[demo]") {
  const DemoBackend backend = MakeDemo();
  const BackendInfo& info = backend.info();
  CHECK(info.name == "Demo");
  CHECK(info.type == "demo");
  CHECK(info.model.empty());
  CHECK(info.is_demo);
  CHECK(info.max_n == 4);
  CHECK(info.concurrency == 2);
  const SizeRule rule = SizeRuleFor("demo", "");
  CHECK(info.sizes.fixed == rule.fixed);
  CHECK(info.sizes.multiple_of == rule.multiple_of);
  CHECK(info.sizes.min_side == rule.min_side);
  CHECK(info.sizes.max_side == rule.max_side);
  CHECK(MakeDemo(2).info().max_n == 2);
  CHECK(MakeDemo(9).info().max_n == 4);
}

TEST_CASE("Generate with seed -1 reports a deterministic seed", "[demo]") {
  DemoBackend backend = MakeDemo();
  JobControl control;
  auto first = backend.Generate(Request("a quiet lake", -1, 1), control);
  auto second = backend.Generate(Request("a quiet lake", -1, 1), control);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  REQUIRE(first->size() == 1);
  CHECK((*first)[0].seed == DemoSeedFor("a quiet lake"));
  CHECK((*first)[0].bytes == (*second)[0].bytes);
  CHECK((*first)[0].bytes ==
        Render("a quiet lake", DemoSeedFor("a quiet lake"), 128, 128));
  CHECK((*first)[0].revised_prompt.empty());
}

TEST_CASE("Generate n=2 uses seed and seed+1", "[demo]") {
  DemoBackend backend = MakeDemo();
  JobControl control;
  auto images = backend.Generate(Request("hills", 42, 2), control);
  REQUIRE(images.ok());
  REQUIRE(images->size() == 2);
  CHECK((*images)[0].seed == 42);
  CHECK((*images)[1].seed == 43);
  CHECK((*images)[0].bytes != (*images)[1].bytes);
  CHECK((*images)[1].bytes == Render("hills", 43, 128, 128));
}

TEST_CASE("Generate wraps the seed instead of overflowing", "[demo]") {
  DemoBackend backend = MakeDemo();
  JobControl control;
  const int64_t max = std::numeric_limits<int64_t>::max();
  auto images = backend.Generate(Request("x", max, 2, 64), control);
  REQUIRE(images.ok());
  CHECK((*images)[0].seed == max);
  CHECK((*images)[1].seed == 0);
}

TEST_CASE("Generate refuses bad n and sizes", "[demo]") {
  DemoBackend backend = MakeDemo();
  JobControl control;
  for (int n : {0, -1, 5}) {
    auto result = backend.Generate(Request("x", 1, n), control);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().code() == Code::kInvalidArgument);
  }
  for (int size : {1004, 2048, 32}) {
    auto result = backend.Generate(Request("x", 1, 1, size), control);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().code() == Code::kInvalidArgument);
    CHECK(result.status().reason() == "unsupported_size");
  }
}

TEST_CASE("Generate honours cancellation", "[demo]") {
  DemoBackend backend = MakeDemo();
  SECTION("canceled before it starts") {
    JobControl control;
    backend.Cancel(control);
    CHECK(control.canceled.load());
    auto result = backend.Generate(Request("x", 1, 2), control);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().code() == Code::kCanceled);
  }
  SECTION("canceled while painting") {
    JobControl control;
    double last = 0;
    control.on_progress = [&](double fraction) {
      last = fraction;
      if (fraction > 0.1) backend.Cancel(control);
    };
    auto result = backend.Generate(Request("x", 1, 4, 256), control);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().code() == Code::kCanceled);
    CHECK(last < 0.5);
  }
}

TEST_CASE("Generate reports progress up to 1", "[demo]") {
  for (int n : {1, 3}) {
    DemoBackend backend = MakeDemo();
    JobControl control;
    std::vector<double> seen;
    control.on_progress = [&](double fraction) { seen.push_back(fraction); };
    REQUIRE(backend.Generate(Request("x", 1, n, 256), control).ok());
    INFO("n = " << n);
    REQUIRE(seen.size() >= 10);
    CHECK(seen.back() == 1.0);
    for (size_t i = 0; i < seen.size(); ++i) {
      CHECK(seen[i] >= 0.0);
      CHECK(seen[i] <= 1.0);
      if (i > 0) CHECK(seen[i] > seen[i - 1]);
    }
  }
}

TEST_CASE("Concurrent renders give the same bytes", "[demo]") {
  std::vector<std::string> out(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < out.size(); ++i) {
    threads.emplace_back([&out, i] {
      Result<std::string> png = RenderDemoPng("forest at dawn", 5, 192, 128);
      if (png.ok()) out[i] = *png;
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& png : out) {
    CHECK_FALSE(png.empty());
    CHECK(png == out[0]);
  }
}

}  // namespace
}  // namespace aigen::gen
