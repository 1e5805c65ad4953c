#include <catch2/catch.hpp>
#include <mutex>
#include <thread>

#include "gen/automatic1111_backend.h"
#include "media/image.h"
#include "support/fake_a1111.h"
#include "support/fake_openai.h"
#include "support/image_fixtures.h"

namespace aigen::gen {
namespace {

using Clock = std::chrono::steady_clock;
using Mode = testing::FakeA1111::Mode;
using std::chrono::milliseconds;
using testing::FakeA1111;

config::BackendConfig ConfigFor(
    const std::string& url,
    std::chrono::seconds timeout = std::chrono::seconds(10)) {
  config::BackendConfig config;
  config.name = "gpu-box";
  config.type = "automatic1111";
  config.url = url;
  config.timeout = timeout;
  config.steps = 22;
  config.sampler = "DPM++ 2M";
  config.cfg_scale = 6.5;
  return config;
}

std::unique_ptr<Automatic1111Backend> Make(
    const config::BackendConfig& config) {
  auto url = ParseBaseUrl(config.url);
  REQUIRE(url.ok());
  // Fast polls keep the progress tests short.
  return std::make_unique<Automatic1111Backend>(
      config, *url, Automatic1111Options{milliseconds(100)});
}

GenerateRequest Ask(int width = 64, int height = 64, int n = 1,
                    int64_t seed = 42) {
  GenerateRequest request;
  request.prompt = "a lighthouse at dusk";
  request.negative_prompt = "text, watermark";
  request.width = width;
  request.height = height;
  request.n = n;
  request.seed = seed;
  return request;
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void WaitFor(const std::function<bool()>& condition) {
  auto until = Clock::now() + std::chrono::seconds(10);
  while (!condition() && Clock::now() < until)
    std::this_thread::sleep_for(milliseconds(5));
}

}  // namespace

TEST_CASE("A1111: txt2img gets the request it expects; seeds come from info",
          "[a1111]") {
  FakeA1111 fake;
  auto config = ConfigFor(fake.url());
  config.model = "v1-5-pruned-emaonly.safetensors [6ce0161689]";
  auto backend = Make(config);
  JobControl control;
  auto images = backend->Generate(Ask(128, 64, 2, 42), control);
  REQUIRE(images.ok());
  REQUIRE(images->size() == 2);
  CHECK((*images)[0].seed == 42);
  CHECK((*images)[1].seed == 43);
  auto decoded = media::DecodeImage((*images)[1].bytes);
  REQUIRE(decoded.ok());
  CHECK(decoded->width == 128);
  CHECK(decoded->height == 64);

  auto sent = fake.last_request();
  CHECK(sent["prompt"] == "a lighthouse at dusk");
  CHECK(sent["negative_prompt"] == "text, watermark");
  CHECK(sent["width"] == 128);
  CHECK(sent["height"] == 64);
  CHECK(sent["seed"] == 42);
  CHECK(sent["batch_size"] == 2);
  CHECK(sent["n_iter"] == 1);
  CHECK(sent["steps"] == 22);
  CHECK(sent["cfg_scale"] == 6.5);
  CHECK(sent["sampler_name"] == "DPM++ 2M");
  CHECK(sent["send_images"] == true);
  CHECK(sent["save_images"] == false);
  CHECK(sent["override_settings"]["sd_model_checkpoint"] == config.model);
  CHECK(fake.last_authorization().empty());

  CHECK(backend->info().type == "automatic1111");
  CHECK(backend->info().max_n == 4);
}

TEST_CASE("A1111: no model, random seed, and a leading grid image", "[a1111]") {
  FakeA1111 fake;
  fake.SetReturnGrid(true);
  auto backend = Make(ConfigFor(fake.url()));
  JobControl control;
  auto images = backend->Generate(Ask(64, 64, 3, -1), control);
  REQUIRE(images.ok());
  REQUIRE(images->size() == 3);
  for (size_t i = 0; i < images->size(); ++i) {
    CHECK((*images)[i].seed == 1234 + static_cast<int64_t>(i));
    auto decoded = media::DecodeImage((*images)[i].bytes);
    REQUIRE(decoded.ok());
    CHECK(decoded->pixels[1] ==
          120);  // the fake's grid is black; its images are not
  }
  CHECK_FALSE(fake.last_request().contains("override_settings"));
  CHECK(fake.last_request()["seed"] == -1);
}

TEST_CASE("A1111: HTTP Basic credentials", "[a1111]") {
  FakeA1111 fake;
  fake.SetCredentials("alice", "secret");
  auto config = ConfigFor(fake.url());
  config.username = "alice";
  config.password = "wrong";
  auto backend = Make(config);
  JobControl control;
  auto refused = backend->Generate(Ask(), control);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Code::kBadGateway);
  CHECK(refused.status().reason() == "upstream_auth");
  CHECK_THAT(refused.status().message(),
             Catch::StartsWith("automatic1111 refused the credentials"));

  fake.SetCredentials(
      "alice", "wrong");  // the server now agrees: the same object recovers
  REQUIRE(backend->Generate(Ask(), control).ok());
  CHECK(fake.last_authorization() == "Basic YWxpY2U6d3Jvbmc=");
}

TEST_CASE("A1111: progress rises while txt2img runs", "[a1111]") {
  FakeA1111 fake;
  fake.SetGenerationTime(milliseconds(1500));
  auto backend = Make(ConfigFor(fake.url()));
  std::mutex mutex;
  std::vector<double> seen;
  JobControl control;
  control.on_progress = [&](double p) {
    std::lock_guard lock(mutex);
    seen.push_back(p);
  };
  REQUIRE(backend->Generate(Ask(), control).ok());
  std::lock_guard lock(mutex);
  REQUIRE(seen.size() >= 3);
  for (size_t i = 0; i < seen.size(); ++i) {
    CHECK(seen[i] > 0);
    CHECK(seen[i] <= 1);
    if (i > 0) CHECK(seen[i] > seen[i - 1]);
  }
  CHECK(fake.requests("/sdapi/v1/progress") >= 3);
}

TEST_CASE("A1111: a server without /progress is not asked again", "[a1111]") {
  FakeA1111 fake;  // as stable-diffusion.cpp
  fake.SetProgressAvailable(false);
  fake.SetGenerationTime(milliseconds(500));
  auto backend = Make(ConfigFor(fake.url()));
  int calls = 0;
  JobControl control;
  control.on_progress = [&](double) { ++calls; };
  REQUIRE(backend->Generate(Ask(), control).ok());
  REQUIRE(backend->Generate(Ask(), control).ok());
  CHECK(fake.requests("/sdapi/v1/progress") == 1);
  CHECK(calls == 0);
}

TEST_CASE("A1111: Cancel interrupts the server and returns Canceled",
          "[a1111]") {
  for (bool has_interrupt : {true, false}) {
    INFO("interrupt endpoint: " << has_interrupt);
    FakeA1111 fake;
    fake.SetProgressAvailable(has_interrupt);
    fake.SetGenerationTime(milliseconds(20000));
    auto backend = Make(ConfigFor(fake.url()));
    JobControl control;
    std::thread canceler([&] {
      WaitFor([&] { return fake.requests("/sdapi/v1/txt2img") == 1; });
      control.canceled = true;
      backend->Cancel(control);
    });
    auto start = Clock::now();
    auto result = backend->Generate(Ask(), control);
    canceler.join();
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().code() == Code::kCanceled);
    CHECK(SecondsSince(start) < 3);
    CHECK(fake.requests("/sdapi/v1/interrupt") == 1);

    fake.SetGenerationTime(milliseconds(0));
    JobControl next;
    CHECK(backend->Generate(Ask(), next).ok());
  }
}

TEST_CASE("A1111: each fault maps to its status, and the backend recovers",
          "[a1111]") {
  struct Case {
    Mode mode;
    Code code;
    const char* message;
  };
  const Case cases[] = {
      {Mode::kServerError, Code::kBadGateway,
       "upstream error 500: OutOfMemoryError: CUDA out of memory"},
      {Mode::kSamplerNotFound, Code::kBadGateway,
       "upstream error 404: Sampler not found"},
      {Mode::kGarbage, Code::kBadGateway,
       "backend answered something that is not JSON"},
  };
  FakeA1111 fake;
  auto backend = Make(ConfigFor(fake.url()));
  for (const Case& c : cases) {
    INFO("mode " << static_cast<int>(c.mode));
    fake.SetMode(c.mode);
    JobControl control;
    auto failed = backend->Generate(Ask(), control);
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.status().code() == c.code);
    CHECK_THAT(failed.status().message(), Catch::Contains(c.message));

    fake.SetMode(Mode::kSuccess);
    JobControl next;
    CHECK(backend->Generate(Ask(), next).ok());
  }
}

TEST_CASE("A1111: odd bytes pass through for the caller to reject", "[a1111]") {
  FakeA1111 fake;
  auto backend = Make(ConfigFor(fake.url()));
  JobControl control;
  fake.SetMode(Mode::kNotAnImage);
  auto hello = backend->Generate(Ask(), control);
  REQUIRE(hello.ok());
  CHECK((*hello)[0].bytes == "hello");
  CHECK((*hello)[0].seed == -1);  // an empty info says nothing

  fake.SetMode(Mode::kHugeDimensions);
  auto huge = backend->Generate(Ask(), control);
  REQUIRE(huge.ok());
  CHECK((*huge)[0].bytes == testing::PngHeaderClaiming(10000, 10000));
}

TEST_CASE("A1111: slow and never-ending answers end at the timeout",
          "[a1111]") {
  FakeA1111 fake;
  auto backend = Make(ConfigFor(fake.url(), std::chrono::seconds(1)));
  for (auto mode : {Mode::kNeverEnds, Mode::kSlow}) {
    fake.SetMode(mode);
    JobControl control;
    auto start = Clock::now();
    auto result = backend->Generate(Ask(), control);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().code() == Code::kGatewayTimeout);
    CHECK(result.status().message() == "gpu-box did not answer within 1 s");
    CHECK(SecondsSince(start) < 1 + 3);
  }
  fake.SetMode(Mode::kSuccess);
  JobControl control;
  CHECK(backend->Generate(Ask(), control).ok());
}

TEST_CASE("A1111: a server without the API says so", "[a1111]") {
  testing::FakeOpenAI not_a1111;  // answers 404 with no body on /sdapi
  auto url = "http://127.0.0.1:" + std::to_string(not_a1111.port());
  auto backend = Make(ConfigFor(url));
  JobControl control;
  auto result = backend->Generate(Ask(), control);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == Code::kBadGateway);
  CHECK_THAT(result.status().message(), Catch::Contains("--api"));
}

}  // namespace aigen::gen
