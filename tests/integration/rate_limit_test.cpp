// The seed's limit (10 generations per hour per IP) on both generation routes.
#include <catch2/catch.hpp>

#include "integration/test_app.h"

using aigen::testing::ParseJson;
using aigen::testing::TestApp;
using nlohmann::json;

TEST_CASE("the 11th generation in an hour gets 429 with Retry-After",
          "[ratelimit]") {
  TestApp app([](aigen::config::Config& c) { c.limits.generate = "10/hour"; });
  for (int i = 1; i <= 10; ++i) {
    auto res =
        i % 2
            ? app.Post({{"prompt", "a cat"}, {"size", "small"}})
            : app.Client().Get("/openai/createimage?prompt=a%20cat&size=small");
    REQUIRE(res);
    CHECK(res->status == (i % 2 ? 202 : 200));
    CHECK(res->get_header_value("RateLimit-Policy") == "10;w=3600");
    CHECK(res->get_header_value("RateLimit")
              .find("remaining=" + std::to_string(10 - i)) !=
          std::string::npos);
  }
  auto refused = app.Post({{"prompt", "a cat"}, {"size", "small"}});
  REQUIRE(refused);
  CHECK(refused->status == 429);
  CHECK(std::stoi(refused->get_header_value("Retry-After")) > 3000);
  CHECK(ParseJson(refused->body)["error"]["code"] == "rate_limited");
  auto seed = app.Client().Get("/openai/createimage?prompt=a%20cat&size=small");
  CHECK(seed->status == 429);
  CHECK(ParseJson(seed->body)["error"].get<std::string>().find(
            "Too many requests") == 0);
  // Refused requests created nothing.
  CHECK(app.Count("SELECT COUNT(*) FROM generations") == 10);
  // Reading is not limited.
  CHECK(app.Client().Get("/api/backends")->status == 200);

  app.clock().Advance(std::chrono::minutes(61));
  auto later = app.Post({{"prompt", "a cat"}, {"size", "small"}});
  CHECK(later->status == 202);
}

TEST_CASE("the seed's API answers imageURL", "[compat]") {
  TestApp app;
  auto res = app.Client().Get(
      "/openai/createimage?prompt=a%20red%20sunset&size=small");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  std::string url = ParseJson(res->body)["imageURL"];
  auto image = app.Client().Get(url);
  CHECK(image->status == 200);
  CHECK(image->get_header_value("Content-Type") == "image/png");
  auto bad = app.Client().Get("/openai/createimage?prompt=&size=small");
  CHECK(bad->status == 400);
  CHECK(ParseJson(bad->body)["error"].is_string());
  auto bad_size =
      app.Client().Get("/openai/createimage?prompt=cat&size=gigantic");
  CHECK(bad_size->status == 400);
}
