// The main job, end to end over real HTTP: generate with the demo backend,
// store files and rows, follow progress, cancel, and refuse bad input.
#include <stb_image.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "integration/test_app.h"

using aigen::testing::ParseJson;
using aigen::testing::TestApp;
using nlohmann::json;

namespace {

std::string Fetch(const TestApp& app, const std::string& path) {
  auto res = app.Client().Get(path);
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return res->body;
}

}  // namespace

TEST_CASE("each size gives a PNG of that size, stored with its row",
          "[generations]") {
  TestApp app;
  struct Case {
    const char* size;
    int side;
  };
  for (Case c :
       {Case{"small", 256}, Case{"medium", 512}, Case{"large", 1024}}) {
    json job = app.Generate(
        {{"prompt", "a red sunset over the ocean"}, {"size", c.size}});
    INFO(job.dump());
    REQUIRE(job["status"] == "succeeded");
    REQUIRE(job["is_demo"] == true);
    REQUIRE(job["images"].size() == 1);
    std::string png = Fetch(app, job["images"][0]["url"]);
    int w = 0, h = 0, comp = 0;
    REQUIRE(stbi_info_from_memory(
        reinterpret_cast<const unsigned char*>(png.data()),
        static_cast<int>(png.size()), &w, &h, &comp));
    CHECK(w == c.side);
    CHECK(h == c.side);
    CHECK(png.substr(1, 3) == "PNG");
    std::string thumb = Fetch(app, job["images"][0]["thumb_url"]);
    REQUIRE(stbi_info_from_memory(
        reinterpret_cast<const unsigned char*>(thumb.data()),
        static_cast<int>(thumb.size()), &w, &h, &comp));
    CHECK(std::max(w, h) == std::min(256, c.side));
  }
  CHECK(app.Count(
            "SELECT COUNT(*) FROM generations WHERE status = 'succeeded'") ==
        3);
  CHECK(app.Count("SELECT COUNT(*) FROM images") == 3);
  CHECK(app.CountFiles("images") == 3);
  CHECK(app.CountFiles("thumbs") == 3);
}

TEST_CASE("the same prompt and seed give byte-identical images",
          "[generations]") {
  TestApp app;
  json body = {{"prompt", "a red sunset over the ocean"},
               {"size", "small"},
               {"seed", 42}};
  json a = app.Generate(body);
  json b = app.Generate(body);
  REQUIRE(a["status"] == "succeeded");
  REQUIRE(b["status"] == "succeeded");
  CHECK(a["images"][0]["seed"] == 42);
  CHECK(Fetch(app, a["images"][0]["url"]) == Fetch(app, b["images"][0]["url"]));
  body["seed"] = 43;
  json c = app.Generate(body);
  CHECK(Fetch(app, a["images"][0]["url"]) != Fetch(app, c["images"][0]["url"]));
  // Two rows, one content-addressed file for the identical pair.
  CHECK(app.Count("SELECT COUNT(*) FROM images") == 3);
  CHECK(app.CountFiles("images") == 2);
}

TEST_CASE("several images in one request get consecutive seeds",
          "[generations]") {
  TestApp app;
  json job = app.Generate({{"prompt", "snowy forest at night"},
                           {"size", "256x256"},
                           {"n", 3},
                           {"seed", 100}});
  REQUIRE(job["status"] == "succeeded");
  REQUIRE(job["images"].size() == 3);
  for (int i = 0; i < 3; ++i) CHECK(job["images"][i]["seed"] == 100 + i);
}

TEST_CASE("a job is visible while queued and after it ends", "[generations]") {
  TestApp app;
  auto res = app.Post({{"prompt", "a lighthouse"}, {"size", "small"}});
  REQUIRE(res);
  REQUIRE(res->status == 202);
  json accepted = ParseJson(res->body);
  CHECK(accepted["status"] == "queued");
  CHECK(accepted["queue_position"].get<int>() >= 1);
  CHECK(res->get_header_value("Location") == accepted["url"]);
  json final = app.WaitFinal(accepted["id"]);
  CHECK(final["status"] == "succeeded");
  CHECK(final["progress"] == 1.0);
  auto again = app.Client().Get(accepted["url"].get<std::string>());
  REQUIRE(again);
  CHECK(ParseJson(again->body)["status"] == "succeeded");
  auto missing = app.Client().Get("/api/generations/000000000000000000000000");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(ParseJson(missing->body)["error"]["code"] == "not_found");
}

TEST_CASE("bad generation requests get a 400 that says what to fix",
          "[generations]") {
  TestApp app;
  struct Case {
    std::string body;
    std::string code;
  };
  std::vector<Case> cases = {
      {R"({"size": "small"})", "invalid_prompt"},
      {R"({"prompt": "   ", "size": "small"})", "invalid_prompt"},
      {R"({"prompt": 12, "size": "small"})", "invalid_prompt"},
      {"{\"prompt\": \"" + std::string(4001, 'a') + "\"}", "invalid_prompt"},
      {"{\"prompt\": \"bad \xff\xfe utf8\"}",
       "invalid_json"},  // the parser refuses it first
      {R"({"prompt": "cat", "size": "huge"})", "invalid_size"},
      {R"({"prompt": "cat", "size": "1001x1001"})", "invalid_size"},
      {R"({"prompt": "cat", "size": "4096x4096"})", "invalid_size"},
      {R"({"prompt": "cat", "backend": "nope"})", "unknown_backend"},
      {R"({"prompt": "cat", "seed": "x"})", "invalid_seed"},
      {R"({"prompt": "cat", "seed": -5})", "invalid_seed"},
      {R"({"prompt": "cat", "n": 0})", "invalid_n"},
      {R"({"prompt": "cat", "n": 99})", "invalid_n"},
      {R"({"prompt": "cat", "colour": "red"})", "unknown_field"},
      {R"(["prompt"])", "invalid_json"},
      {R"({"prompt": )", "invalid_json"},
      {std::string(100, '[') + std::string(100, ']'), "invalid_json"},
  };
  for (const Case& c : cases) {
    auto res =
        app.Client().Post("/api/generations", c.body, "application/json");
    REQUIRE(res);
    INFO(c.body.substr(0, 80) << " -> " << res->body);
    CHECK(res->status == 400);
    json err = ParseJson(res->body)["error"];
    CHECK(err["code"] == c.code);
    CHECK_FALSE(err["message"].get<std::string>().empty());
  }
  // A prompt of exactly 4000 characters (multi-byte) is fine.
  std::string long_prompt;
  for (int i = 0; i < 4000; ++i) long_prompt += "\xc3\xa9";  // é
  auto ok = app.Post({{"prompt", long_prompt}, {"size", "small"}});
  REQUIRE(ok);
  CHECK(ok->status == 202);
  auto wrong_type = app.Client().Post("/api/generations", R"({"prompt":"cat"})",
                                      "text/plain");
  REQUIRE(wrong_type);
  CHECK(wrong_type->status == 415);
  CHECK(app.Count("SELECT COUNT(*) FROM generations") == 1);
}

TEST_CASE("the backends list describes what the selects offer",
          "[generations]") {
  TestApp app;
  auto res = app.Client().Get("/api/backends");
  REQUIRE(res);
  json doc = ParseJson(res->body);
  CHECK(doc["default"] == "demo");
  REQUIRE(doc["backends"].size() == 1);
  json demo = doc["backends"][0];
  CHECK(demo["is_demo"] == true);
  CHECK(demo["type"] == "demo");
  std::vector<std::string> sizes = demo["sizes"];
  CHECK(std::find(sizes.begin(), sizes.end(), "256x256") != sizes.end());
  CHECK(std::find(sizes.begin(), sizes.end(), "1024x1024") != sizes.end());
}

TEST_CASE("health answers ok with the version", "[generations]") {
  TestApp app;
  auto res = app.Client().Get("/healthz");
  REQUIRE(res);
  CHECK(res->status == 200);
  json doc = ParseJson(res->body);
  CHECK(doc["status"] == "ok");
  CHECK(doc["version"].is_string());
}

TEST_CASE("with anonymous generation off, both routes refuse",
          "[generations]") {
  TestApp app([](aigen::config::Config& c) { c.generation.anonymous = false; });
  auto res = app.Post({{"prompt", "a cat"}, {"size", "small"}});
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(ParseJson(res->body)["error"]["code"] == "unauthenticated");
  auto seed = app.Client().Get("/openai/createimage?prompt=cat&size=small");
  CHECK(seed->status == 401);
  CHECK(ParseJson(app.Client().Get("/api/backends")->body)["anonymous"] ==
        false);
  CHECK(app.Count("SELECT COUNT(*) FROM generations") == 0);
}
