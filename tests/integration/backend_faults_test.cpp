// Faulty image backends — errors, garbage, slow, endless, huge — give the user
// a clear error, leave no file or row behind, and the next request succeeds.
#include <catch2/catch.hpp>

#include "integration/test_app.h"
#include "support/fake_a1111.h"
#include "support/fake_openai.h"

using aigen::testing::FakeA1111;
using aigen::testing::FakeOpenAI;
using aigen::testing::ParseJson;
using aigen::testing::TestApp;
using nlohmann::json;

namespace {

aigen::config::BackendConfig Backend(std::string name, std::string type,
                                     std::string url) {
  aigen::config::BackendConfig b;
  b.name = std::move(name);
  b.type = std::move(type);
  b.url = std::move(url);
  b.api_key = "sk-test";
  b.timeout = std::chrono::seconds(2);
  return b;
}

// No image file without a row, no row without its file.
void CheckNoOrphans(const TestApp& app) {
  CHECK(app.Count("SELECT COUNT(DISTINCT file) FROM images") ==
        static_cast<int64_t>(app.CountFiles("images")));
  CHECK(app.Count("SELECT COUNT(DISTINCT thumb) FROM images") ==
        static_cast<int64_t>(app.CountFiles("thumbs")));
  CHECK(app.Count("SELECT COUNT(*) FROM images WHERE generation_id NOT IN "
                  "(SELECT id FROM generations WHERE status = 'succeeded')") ==
        0);
}

struct Fault {
  const char* name;
  int expected_http;  // of the seed's compat route, which maps the job's error
  const char* code;
  const char* message_part;
};

}  // namespace

TEST_CASE("OpenAI faults reach the user as clear errors", "[faults][openai]") {
  FakeOpenAI fake;
  TestApp app([&](aigen::config::Config& c) {
    c.backends.push_back(Backend("dalle", "openai", fake.url()));
    c.backends.back().model = "dall-e-2";
  });
  struct Case {
    FakeOpenAI::Mode mode;
    Fault fault;
  };
  std::vector<Case> cases = {
      {FakeOpenAI::Mode::kServerError, {"500", 502, "bad_gateway", "500"}},
      {FakeOpenAI::Mode::kRateLimited,
       {"429", 503, "upstream_rate_limited", "Rate limit"}},
      {FakeOpenAI::Mode::kInsufficientQuota,
       {"quota", 503, "upstream_quota", "quota"}},
      {FakeOpenAI::Mode::kInvalidApiKey, {"401", 502, "upstream_auth", "key"}},
      {FakeOpenAI::Mode::kContentPolicy,
       {"policy", 400, "content_policy", "safety system"}},
      {FakeOpenAI::Mode::kNotAnImage,
       {"not an image", 502, "invalid_image", "image"}},
      {FakeOpenAI::Mode::kHugeDimensions,
       {"10000x10000", 502, "invalid_image", "4096"}},
      {FakeOpenAI::Mode::kGarbage, {"garbage", 502, "bad_gateway", "JSON"}},
      {FakeOpenAI::Mode::kNeverEnds,
       {"endless", 504, "gateway_timeout", "within"}},
      {FakeOpenAI::Mode::kSlow, {"slow", 504, "gateway_timeout", "within"}},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.fault.name) {
      fake.SetMode(c.mode);
      json failed = app.Generate({{"prompt", "a cat"}, {"size", "256x256"}});
      INFO(failed.dump());
      CHECK(failed["status"] == "failed");
      CHECK(failed["error"]["code"] == c.fault.code);
      CHECK(failed["error"]["message"].get<std::string>().find(
                c.fault.message_part) != std::string::npos);
      CHECK(failed["images"].empty());
      // The seed's route reports the same failure in its own shape.
      auto seed =
          app.Client().Get("/openai/createimage?prompt=a+cat&size=small");
      REQUIRE(seed);
      CHECK(seed->status == c.fault.expected_http);
      CHECK(ParseJson(seed->body)["error"].is_string());

      fake.SetMode(FakeOpenAI::Mode::kSuccess);
      json ok = app.Generate({{"prompt", "a cat"}, {"size", "256x256"}});
      CHECK(ok["status"] == "succeeded");
      CHECK(ok["images"].size() == 1);
      CheckNoOrphans(app);
    }
  }
}

TEST_CASE("an OpenAI backend gets the request the API expects",
          "[faults][openai]") {
  FakeOpenAI fake;
  TestApp app([&](aigen::config::Config& c) {
    c.backends.push_back(Backend("dalle", "openai", fake.url()));
    c.backends.back().model = "dall-e-3";
  });
  json bad =
      ParseJson(app.Post({{"prompt", "a cat"}, {"size", "256x256"}})->body);
  CHECK(bad["error"]["code"] == "invalid_size");
  CHECK(bad["error"]["message"].get<std::string>().find("1792x1024") !=
        std::string::npos);
  json ok = app.Generate({{"prompt", "a cat"}, {"size", "1792x1024"}});
  REQUIRE(ok["status"] == "succeeded");
  CHECK(ok["images"][0]["width"] == 1792);
  json sent = fake.last_request();
  CHECK(sent["model"] == "dall-e-3");
  CHECK(sent["size"] == "1792x1024");
  CHECK(sent["prompt"] == "a cat");
  CHECK(fake.last_authorization() == "Bearer sk-test");
}

TEST_CASE("AUTOMATIC1111 faults reach the user as clear errors",
          "[faults][a1111]") {
  FakeA1111 fake;
  TestApp app([&](aigen::config::Config& c) {
    c.backends.push_back(Backend("sd", "automatic1111", fake.url()));
  });
  struct Case {
    FakeA1111::Mode mode;
    const char* name;
    const char* code;
  };
  std::vector<Case> cases = {
      {FakeA1111::Mode::kServerError, "500", "bad_gateway"},
      {FakeA1111::Mode::kNotAnImage, "not an image", "invalid_image"},
      {FakeA1111::Mode::kHugeDimensions, "10000x10000", "invalid_image"},
      {FakeA1111::Mode::kGarbage, "garbage", "bad_gateway"},
      {FakeA1111::Mode::kNeverEnds, "endless", "gateway_timeout"},
      {FakeA1111::Mode::kSlow, "slow", "gateway_timeout"},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      fake.SetMode(c.mode);
      json failed = app.Generate({{"prompt", "a cat"}, {"size", "512x512"}});
      INFO(failed.dump());
      CHECK(failed["status"] == "failed");
      CHECK(failed["error"]["code"] == c.code);
      fake.SetMode(FakeA1111::Mode::kSuccess);
      json ok =
          app.Generate({{"prompt", "a cat"}, {"size", "512x512"}, {"seed", 5}});
      CHECK(ok["status"] == "succeeded");
      CHECK(ok["images"][0]["seed"] == 5);
      CheckNoOrphans(app);
    }
  }
}

TEST_CASE("AUTOMATIC1111 progress and cancellation", "[a1111]") {
  FakeA1111 fake;
  TestApp app([&](aigen::config::Config& c) {
    c.backends.push_back(Backend("sd", "automatic1111", fake.url()));
    c.backends.back().timeout = std::chrono::seconds(60);
  });
  SECTION("progress is streamed while the backend works") {
    fake.SetGenerationTime(std::chrono::milliseconds(2500));
    auto res = app.Post({{"prompt", "a cat"}, {"size", "512x512"}});
    std::string id = ParseJson(res->body)["id"];
    std::vector<double> progress;
    std::string buffer;
    app.Client().Get(
        "/api/generations/" + id + "/events", [&](const char* d, size_t n) {
          buffer.append(d, n);
          size_t end;
          while ((end = buffer.find("\n\n")) != std::string::npos) {
            std::string event = buffer.substr(0, end);
            buffer.erase(0, end + 2);
            size_t at = event.find("data: ");
            if (at == std::string::npos) continue;
            json j = json::parse(event.substr(at + 6));
            if (j["progress"].is_number()) progress.push_back(j["progress"]);
          }
          return true;
        });
    REQUIRE(progress.size() >= 2);
    CHECK(progress.back() == 1.0);
    CHECK(std::is_sorted(progress.begin(), progress.end()));
    CHECK(std::any_of(progress.begin(), progress.end(),
                      [](double p) { return p > 0 && p < 1; }));
  }
  SECTION("cancelling a running job interrupts the backend") {
    fake.SetGenerationTime(std::chrono::seconds(20));
    auto res = app.Post({{"prompt", "a cat"}, {"size", "512x512"}});
    std::string id = ParseJson(res->body)["id"];
    // Wait until the backend is at work: the first progress it reports.
    std::string buffer;
    app.Client().Get(
        "/api/generations/" + id + "/events", [&](const char* d, size_t n) {
          buffer.append(d, n);
          return buffer.find("\"progress\":0.") == std::string::npos;
        });
    REQUIRE(buffer.find("\"progress\":0.") != std::string::npos);
    auto del = app.Client().Delete("/api/generations/" + id);
    REQUIRE(del);
    CHECK(del->status == 200);
    CHECK(ParseJson(del->body)["status"] == "canceled");
    json final = app.WaitFinal(id);
    CHECK(final["status"] == "canceled");
    CHECK(fake.requests("/sdapi/v1/interrupt") >= 1);
    auto again = app.Client().Delete("/api/generations/" + id);
    CHECK(again->status == 409);
    CheckNoOrphans(app);
  }
}

TEST_CASE("a full queue answers 503 with Retry-After; cancel frees a place",
          "[queue]") {
  FakeA1111 fake;
  fake.SetGenerationTime(std::chrono::seconds(30));
  TestApp app([&](aigen::config::Config& c) {
    c.generation.max_queue = 2;
    c.backends.push_back(Backend("sd", "automatic1111", fake.url()));
    c.backends.back().timeout = std::chrono::seconds(60);
  });
  json body = {{"prompt", "a cat"}, {"size", "512x512"}};
  std::string running = ParseJson(app.Post(body)->body)["id"];
  std::string buffer;
  app.Client().Get(
      "/api/generations/" + running + "/events", [&](const char* d, size_t n) {
        buffer.append(d, n);
        return buffer.find("\"status\":\"running\"") == std::string::npos;
      });
  json second = ParseJson(app.Post(body)->body);
  json third = ParseJson(app.Post(body)->body);
  CHECK(second["queue_position"] == 1);
  CHECK(third["queue_position"] == 2);
  auto refused = app.Post(body);
  REQUIRE(refused);
  CHECK(refused->status == 503);
  CHECK(refused->get_header_value("Retry-After") == "30");
  CHECK(ParseJson(refused->body)["error"]["code"] == "queue_full");

  // Cancelling the second moves the third up and frees a place.
  auto del = app.Client().Delete("/api/generations/" +
                                 second["id"].get<std::string>());
  CHECK(ParseJson(del->body)["status"] == "canceled");
  auto third_now =
      app.Client().Get("/api/generations/" + third["id"].get<std::string>());
  CHECK(ParseJson(third_now->body)["queue_position"] == 1);
  CHECK(app.Post(body)->status == 202);
  CHECK(app.Count("SELECT COUNT(*) FROM generations") == 4);
  CHECK(app.Count(
            "SELECT COUNT(*) FROM generations WHERE status = 'canceled'") == 1);
}
