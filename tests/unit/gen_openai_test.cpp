#include <catch2/catch.hpp>
#include <thread>

#include "gen/factory.h"
#include "gen/openai_backend.h"
#include "media/image.h"
#include "support/fake_openai.h"
#include "support/image_fixtures.h"

namespace aigen::gen {
namespace {

using Clock = std::chrono::steady_clock;
using Mode = testing::FakeOpenAI::Mode;
using testing::FakeOpenAI;

config::BackendConfig ConfigFor(
    const FakeOpenAI& fake, std::string model = "dall-e-2",
    std::chrono::seconds timeout = std::chrono::seconds(10)) {
  config::BackendConfig config;
  config.name = "openai-test";
  config.type = "openai";
  config.url = fake.url();
  config.api_key = "sk-test";
  config.model = std::move(model);
  config.timeout = timeout;
  return config;
}

std::unique_ptr<Backend> Make(const config::BackendConfig& config) {
  auto backend = MakeBackend(config);
  REQUIRE(backend.ok());
  return std::move(*backend);
}

GenerateRequest Ask(int width = 256, int height = 256, int n = 1) {
  GenerateRequest request;
  request.prompt = "a red fox in the snow";
  request.width = width;
  request.height = height;
  request.n = n;
  return request;
}

void CheckPng(const GeneratedImage& image, int width, int height) {
  auto decoded = media::DecodeImage(image.bytes);
  REQUIRE(decoded.ok());
  CHECK(decoded->width == width);
  CHECK(decoded->height == height);
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

TEST_CASE("OpenAI: dall-e-2 gets b64_json and a Bearer key", "[openai]") {
  FakeOpenAI fake;
  auto backend = Make(ConfigFor(fake));
  JobControl control;
  auto images = backend->Generate(Ask(256, 256, 2), control);
  REQUIRE(images.ok());
  REQUIRE(images->size() == 2);
  CheckPng((*images)[0], 256, 256);
  CHECK((*images)[0].seed == -1);

  auto sent = fake.last_request();
  CHECK(sent["model"] == "dall-e-2");
  CHECK(sent["prompt"] == "a red fox in the snow");
  CHECK(sent["n"] == 2);
  CHECK(sent["size"] == "256x256");
  CHECK(sent["response_format"] == "b64_json");
  CHECK_FALSE(
      sent.contains("negative_prompt"));  // OpenAI rejects unknown fields
  CHECK(fake.last_authorization() == "Bearer sk-test");
  CHECK(fake.download_requests() == 0);

  const BackendInfo& info = backend->info();
  CHECK(info.type == "openai");
  CHECK(info.name == "openai-test");
  CHECK(info.max_n == 4);
  CHECK_FALSE(info.is_demo);
  CHECK(info.sizes.fixed == SizeRuleFor("openai", "dall-e-2").fixed);
}

TEST_CASE("OpenAI: GPT image models get no response_format", "[openai]") {
  FakeOpenAI fake;
  auto backend = Make(ConfigFor(fake, "gpt-image-1"));
  JobControl control;
  auto images = backend->Generate(Ask(1024, 1024), control);
  REQUIRE(images.ok());
  REQUIRE(images->size() == 1);
  CheckPng((*images)[0], 1024, 1024);
  auto sent = fake.last_request();
  CHECK(sent["model"] == "gpt-image-1");
  CHECK_FALSE(sent.contains("response_format"));
}

TEST_CASE("OpenAI: dall-e-3 makes one image and revises the prompt",
          "[openai]") {
  FakeOpenAI fake;
  auto backend = Make(ConfigFor(fake, "dall-e-3"));
  CHECK(backend->info().max_n == 1);
  JobControl control;
  auto images = backend->Generate(Ask(1792, 1024, 3), control);
  REQUIRE(images.ok());
  REQUIRE(images->size() == 1);
  CHECK((*images)[0].revised_prompt == "A revised a red fox in the snow");
  CHECK(fake.last_request()["n"] == 1);
}

TEST_CASE("OpenAI: local models get negative_prompt; no key, no Authorization",
          "[openai]") {
  FakeOpenAI fake;
  auto config = ConfigFor(fake, "stablediffusion");
  config.api_key.clear();
  config.max_n = 2;
  auto backend = Make(config);
  CHECK(backend->info().max_n == 2);
  GenerateRequest request = Ask(512, 384);
  request.negative_prompt = "blurry";
  JobControl control;
  REQUIRE(backend->Generate(request, control).ok());
  auto sent = fake.last_request();
  CHECK(sent["negative_prompt"] == "blurry");
  CHECK(sent["response_format"] == "b64_json");
  CHECK(fake.last_authorization().empty());

  config.model.clear();  // sd.cpp: no model at all
  auto no_model = Make(config);
  REQUIRE(no_model->Generate(request, control).ok());
  CHECK_FALSE(fake.last_request().contains("model"));
}

TEST_CASE("OpenAI: images answered as URLs are downloaded", "[openai]") {
  FakeOpenAI fake;
  fake.SetMode(Mode::kSuccessUrl);
  auto backend = Make(ConfigFor(fake));
  JobControl control;
  auto images = backend->Generate(Ask(512, 512, 2), control);
  REQUIRE(images.ok());
  REQUIRE(images->size() == 2);
  CheckPng((*images)[1], 512, 512);
  CHECK(fake.download_requests() == 2);
  CHECK(fake.last_download_authorization() ==
        "Bearer sk-test");  // same origin as the API
}

TEST_CASE("OpenAI: each fault maps to its status, and the backend recovers",
          "[openai]") {
  struct Case {
    Mode mode;
    Code code;
    const char* reason;
    const char* message;
  };
  const Case cases[] = {
      {Mode::kServerError, Code::kBadGateway, "bad_gateway",
       "upstream error 500: The server had an error"},
      {Mode::kRateLimited, Code::kUnavailable, "upstream_rate_limited",
       "Rate limit reached"},
      {Mode::kInsufficientQuota, Code::kUnavailable, "upstream_quota",
       "exceeded your current quota"},
      {Mode::kInvalidApiKey, Code::kBadGateway, "upstream_auth",
       "the OpenAI API key was refused (401): Incorrect API key"},
      {Mode::kContentPolicy, Code::kInvalidArgument, "content_policy",
       FakeOpenAI::kContentPolicyMessage},
      {Mode::kStringError, Code::kBadGateway, "bad_gateway",
       "upstream error 500: model not loaded"},
      {Mode::kGarbage, Code::kBadGateway, "bad_gateway",
       "backend answered something that is not JSON"},
  };
  FakeOpenAI fake;
  auto backend = Make(ConfigFor(fake));
  for (const Case& c : cases) {
    INFO("mode " << static_cast<int>(c.mode));
    fake.SetMode(c.mode);
    JobControl control;
    auto failed = backend->Generate(Ask(), control);
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.status().code() == c.code);
    CHECK(failed.status().reason() == c.reason);
    CHECK_THAT(failed.status().message(), Catch::Contains(c.message));

    fake.SetMode(Mode::kSuccess);
    JobControl next;
    CHECK(backend->Generate(Ask(), next).ok());
  }
}

TEST_CASE(
    "OpenAI: bytes that are not a sane image pass through for the caller to "
    "reject",
    "[openai]") {
  FakeOpenAI fake;
  auto backend = Make(ConfigFor(fake));
  JobControl control;
  fake.SetMode(Mode::kNotAnImage);
  auto hello = backend->Generate(Ask(), control);
  REQUIRE(hello.ok());
  CHECK((*hello)[0].bytes == "hello");

  fake.SetMode(Mode::kHugeDimensions);
  auto huge = backend->Generate(Ask(), control);
  REQUIRE(huge.ok());
  CHECK((*huge)[0].bytes == testing::PngHeaderClaiming(10000, 10000));
  CHECK_FALSE(media::DecodeImage((*huge)[0].bytes).ok());
}

TEST_CASE("OpenAI: slow and never-ending answers end at the timeout",
          "[openai]") {
  FakeOpenAI fake;
  auto backend = Make(ConfigFor(fake, "dall-e-2", std::chrono::seconds(1)));
  for (auto mode : {Mode::kNeverEnds, Mode::kSlow}) {
    fake.SetMode(mode);
    JobControl control;
    auto start = Clock::now();
    auto result = backend->Generate(Ask(), control);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().code() == Code::kGatewayTimeout);
    CHECK(result.status().message() == "openai-test did not answer within 1 s");
    CHECK(SecondsSince(start) < 1 + 3);
  }
  fake.SetMode(Mode::kSuccess);
  JobControl control;
  CHECK(backend->Generate(Ask(), control).ok());
}

TEST_CASE("OpenAI: Cancel from another thread ends the request", "[openai]") {
  FakeOpenAI fake;
  fake.SetMode(Mode::kSlow);
  auto backend = Make(ConfigFor(fake));
  JobControl control;
  std::thread canceler([&] {
    while (fake.generation_requests() == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    control.canceled = true;
    backend->Cancel(control);
  });
  auto start = Clock::now();
  auto result = backend->Generate(Ask(), control);
  canceler.join();
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == Code::kCanceled);
  CHECK(SecondsSince(start) < 3);

  JobControl early;  // canceled before it started: nothing is sent
  early.canceled = true;
  CHECK(backend->Generate(Ask(), early).status().code() == Code::kCanceled);
  CHECK(fake.generation_requests() == 1);
  backend->Cancel(early);  // nothing in flight: harmless
}

TEST_CASE("OpenAI: an unreachable server is a BadGateway naming it",
          "[openai]") {
  config::BackendConfig config;
  {
    FakeOpenAI gone;
    config = ConfigFor(gone);
  }
  auto backend = Make(config);
  JobControl control;
  auto result = backend->Generate(Ask(), control);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == Code::kBadGateway);
  CHECK_THAT(result.status().message(),
             Catch::StartsWith("could not reach openai-test at " + config.url));
}

TEST_CASE("MakeBackend builds each type and refuses bad entries",
          "[openai][factory]") {
  config::BackendConfig config;
  config.name = "b";
  config.type = "demo";
  auto demo = MakeBackend(config);
  REQUIRE(demo.ok());
  CHECK((*demo)->info().type == "demo");

  config.type = "automatic1111";
  config.url = "http://127.0.0.1:7860";
  auto a1111 = MakeBackend(config);
  REQUIRE(a1111.ok());
  CHECK((*a1111)->info().type == "automatic1111");
  CHECK((*a1111)->info().sizes.multiple_of ==
        SizeRuleFor("automatic1111", "").multiple_of);

  config.type = "openai";
  config.url = "ftp://example.com";
  CHECK(MakeBackend(config).status().code() == Code::kInvalidArgument);
  config.url.clear();
  auto no_url = MakeBackend(config);
  CHECK(no_url.status().code() == Code::kInvalidArgument);
  CHECK_THAT(no_url.status().message(), Catch::Contains("needs a url"));
  config.type = "comfyui";
  CHECK_THAT(MakeBackend(config).status().message(),
             Catch::Contains("unknown type 'comfyui'"));
}

}  // namespace aigen::gen
