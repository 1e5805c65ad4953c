#include "support/fake_openai.h"

#include <algorithm>
#include <cstdio>

#include "support/image_fixtures.h"
#include "util/encoding.h"

namespace aigen::testing {
namespace {

using json = nlohmann::json;

std::string ErrorJson(const std::string& message, const std::string& type,
                      const json& code) {
  return json{{"error",
               {{"message", message},
                {"type", type},
                {"param", nullptr},
                {"code", code}}}}
      .dump();
}

std::string OneImage(const std::string& bytes) {
  json data = json::array({{{"b64_json", util::Base64Encode(bytes)}}});
  return json{{"created", 1}, {"data", data}}.dump();
}

// The error answers, worded as OpenAI words them.
struct CannedError {
  FakeOpenAI::Mode mode;
  int status;
  const char* message;
  const char* type;
  const char* code;  // null: JSON null
};

const CannedError kCannedErrors[] = {
    {FakeOpenAI::Mode::kServerError, 500,
     "The server had an error while processing your request.", "server_error",
     nullptr},
    {FakeOpenAI::Mode::kRateLimited, 429,
     "Rate limit reached for images per minute. Limit: 5/1min.", "requests",
     "rate_limit_exceeded"},
    {FakeOpenAI::Mode::kInsufficientQuota, 429,
     "You exceeded your current quota, please check your plan and billing "
     "details.",
     "insufficient_quota", "insufficient_quota"},
    {FakeOpenAI::Mode::kInvalidApiKey, 401,
     "Incorrect API key provided: sk-test***. You can find your API key at "
     "https://platform.openai.com/account/api-keys.",
     "invalid_request_error", "invalid_api_key"},
    {FakeOpenAI::Mode::kContentPolicy, 400, FakeOpenAI::kContentPolicyMessage,
     "invalid_request_error", "content_policy_violation"},
};

// "WxH" -> sides, clamped so a test cannot make the fake draw gigapixels.
std::pair<int, int> ParseSize(const json& request) {
  int width = 1024;
  int height = 1024;
  if (request.contains("size") && request["size"].is_string()) {
    std::string size = request["size"];
    if (std::sscanf(size.c_str(), "%dx%d", &width, &height) != 2)
      width = height = 1024;
  }
  return {std::clamp(width, 8, 4096), std::clamp(height, 8, 4096)};
}

}  // namespace

FakeOpenAI::FakeOpenAI() {
  http_.server().Post(
      "/v1/images/generations",
      [this](const httplib::Request& req, httplib::Response& res) {
        HandleGenerate(req, res);
      });
  http_.server().Get(
      R"(/v1/files/(\d{1,9})\.png)",
      [this](const httplib::Request& req, httplib::Response& res) {
        HandleDownload(req, res);
      });
  http_.Start();
}

FakeOpenAI::~FakeOpenAI() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  http_.Stop();
}

void FakeOpenAI::SetMode(Mode mode) {
  std::lock_guard lock(mutex_);
  mode_ = mode;
}

void FakeOpenAI::SetSlowDelay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  slow_delay_ = delay;
}

std::string FakeOpenAI::url() const {
  return "http://127.0.0.1:" + std::to_string(http_.port()) + "/v1";
}

json FakeOpenAI::last_request() const {
  std::lock_guard lock(mutex_);
  return last_request_;
}

std::string FakeOpenAI::last_authorization() const {
  std::lock_guard lock(mutex_);
  return last_authorization_;
}

int FakeOpenAI::generation_requests() const {
  std::lock_guard lock(mutex_);
  return generation_requests_;
}

int FakeOpenAI::download_requests() const {
  std::lock_guard lock(mutex_);
  return download_requests_;
}

std::string FakeOpenAI::last_download_authorization() const {
  std::lock_guard lock(mutex_);
  return last_download_authorization_;
}

bool FakeOpenAI::SleepFor(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !cv_.wait_for(lock, delay, [this] { return stopping_; });
}

void FakeOpenAI::HandleGenerate(const httplib::Request& req,
                                httplib::Response& res) {
  json request = json::parse(req.body, nullptr, false);
  if (request.is_discarded()) request = req.body;
  Mode mode;
  std::chrono::milliseconds slow_delay;
  {
    std::lock_guard lock(mutex_);
    last_request_ = request;
    last_authorization_ = req.get_header_value("Authorization");
    ++generation_requests_;
    mode = mode_;
    slow_delay = slow_delay_;
  }
  const std::string kJson = "application/json";
  for (const CannedError& error : kCannedErrors) {
    if (error.mode != mode) continue;
    res.status = error.status;
    json code = error.code == nullptr ? json() : json(error.code);
    return res.set_content(ErrorJson(error.message, error.type, code), kJson);
  }
  switch (mode) {
    case Mode::kSuccess:
    case Mode::kSuccessUrl:
      return AnswerSuccess(request, mode == Mode::kSuccessUrl, res);
    case Mode::kSlow:
      if (SleepFor(slow_delay)) AnswerSuccess(request, false, res);
      return;
    case Mode::kStringError:
      res.status = 500;
      return res.set_content(json{{"error", "model not loaded"}}.dump(), kJson);
    case Mode::kNotAnImage:
      return res.set_content(OneImage("hello"), kJson);
    case Mode::kHugeDimensions:
      return res.set_content(OneImage(PngHeaderClaiming(10000, 10000)), kJson);
    case Mode::kNeverEnds:
      return AnswerNeverEnding(res);
    case Mode::kGarbage:
      return res.set_content("<html>Bad gateway</html>", "text/html");
    default:
      return;  // answered from kCannedErrors
  }
}

void FakeOpenAI::AnswerSuccess(const json& request, bool force_url,
                               httplib::Response& res) {
  auto [width, height] = ParseSize(request);
  int n = request.is_object() && request.contains("n") &&
                  request["n"].is_number_integer()
              ? std::clamp(request["n"].get<int>(), 1, 10)
              : 1;
  std::string model =
      request.is_object() ? request.value("model", "dall-e-2") : "dall-e-2";
  std::string format =
      request.is_object() ? request.value("response_format", "") : "";
  bool as_url = force_url || format == "url" ||
                (format.empty() && !model.starts_with("gpt-image"));
  json data = json::array();
  for (int i = 0; i < n; ++i) {
    std::string png =
        MakePng(width, height, static_cast<uint8_t>(40 * i), 80, 40);
    json item;
    if (as_url) {
      std::lock_guard lock(mutex_);
      int id = next_file_++;
      files_[id] = std::move(png);
      item["url"] = "http://127.0.0.1:" + std::to_string(http_.port()) +
                    "/v1/files/" + std::to_string(id) + ".png";
    } else {
      item["b64_json"] = util::Base64Encode(png);
    }
    if (model == "dall-e-3")
      item["revised_prompt"] =
          "A revised " + request.value("prompt", std::string());
    data.push_back(std::move(item));
  }
  res.set_content(
      json{{"created", 1700000000}, {"data", std::move(data)}}.dump(),
      "application/json");
}

void FakeOpenAI::AnswerNeverEnding(httplib::Response& res) {
  // Promises 8 MiB (under the client's cap) and trickles spaces: valid JSON
  // whitespace that never completes. Each write also resets a per-recv timeout.
  res.set_content_provider(
      8u << 20, "application/json",
      [this](size_t offset, size_t, httplib::DataSink& sink) {
        if (offset == 0) return sink.write("{", 1);
        if (!SleepFor(std::chrono::milliseconds(100))) return false;
        return sink.write("                ", 16);
      });
}

void FakeOpenAI::HandleDownload(const httplib::Request& req,
                                httplib::Response& res) {
  int id = std::stoi(req.matches[1].str());
  std::lock_guard lock(mutex_);
  ++download_requests_;
  last_download_authorization_ = req.get_header_value("Authorization");
  auto it = files_.find(id);
  if (it == files_.end()) {
    res.status = 404;
    return;
  }
  res.set_content(it->second, "image/png");
}

}  // namespace aigen::testing
