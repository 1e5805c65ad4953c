#include "gen/openai_backend.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "gen/sizes.h"
#include "gen/upstream_json.h"
#include "util/log.h"

namespace aigen::gen {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

bool IsGptImageModel(std::string_view model) {
  return model.starts_with("gpt-image");
}

// Models served by OpenAI itself, which reject request fields they do not know.
bool IsOpenAIModel(std::string_view model) {
  return model.starts_with("dall-e") || IsGptImageModel(model);
}

int MaxN(const config::BackendConfig& config) {
  if (config.max_n > 0) return config.max_n;
  return config.model == "dall-e-3" ? 1 : 4;
}

BackendInfo MakeInfo(const config::BackendConfig& config) {
  BackendInfo info;
  info.name = config.name;
  info.type = "openai";
  info.model = config.model;
  info.max_n = MaxN(config);
  info.concurrency = config.concurrency;
  info.sizes = SizeRuleFor("openai", config.model);
  return info;
}

std::string BuildBody(const config::BackendConfig& config,
                      const GenerateRequest& request) {
  json body = {{"prompt", request.prompt},
               {"n", std::clamp(request.n, 1, MaxN(config))},
               {"size", std::to_string(request.width) + "x" +
                            std::to_string(request.height)}};
  if (!config.model.empty()) body["model"] = config.model;
  // GPT image models always answer base64 and reject the field; every other
  // model answers URLs unless asked (sd.cpp ignores it and sends base64).
  if (!IsGptImageModel(config.model)) body["response_format"] = "b64_json";
  if (!IsOpenAIModel(config.model) && !request.negative_prompt.empty()) {
    body["negative_prompt"] =
        request.negative_prompt;  // LocalAI; others ignore it
  }
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

// {"error": {"message", "type", "param", "code"}} from OpenAI and LocalAI;
// {"error": "text"} from sd.cpp.
struct ApiError {
  std::string message;
  std::string type;
  std::string code;
};

ApiError ReadApiError(const json& doc) {
  ApiError error;
  if (!doc.is_object()) return error;
  auto it = doc.find("error");
  if (it != doc.end() && it->is_object()) {
    error.message = UpstreamText(it->value("message", json()));
    error.type = UpstreamText(it->value("type", json()));
    error.code = UpstreamText(it->value("code", json()));
  } else if (it != doc.end()) {
    error.message = UpstreamText(*it);
  } else if (doc.contains("detail")) {
    error.message = UpstreamText(doc["detail"]);
  }
  error.message = ShortenUpstreamMessage(error.message);
  return error;
}

Status MapError(const config::BackendConfig& config, int status,
                const std::string& body) {
  json doc = ParseUpstreamJson(body);
  if (doc.is_discarded()) {
    return Status::BadGateway(
        "backend answered something that is not JSON (HTTP " +
        std::to_string(status) + ")");
  }
  ApiError error = ReadApiError(doc);
  if (error.message.empty()) error.message = "no message";
  const std::string who = "backend '" + config.name + "': ";
  auto is = [&](std::string_view what) {
    return error.code == what || error.type == what;
  };
  if ((status == 400 || status == 403) &&
      (is("content_policy_violation") || is("moderation_blocked"))) {
    return Status::InvalidArgument(error.message, "content_policy");
  }
  if (status == 401) {
    util::LogError(who +
                   "the OpenAI API key was refused (401): " + error.message);
    return Status::BadGateway(
        "the OpenAI API key was refused (401): " + error.message,
        "upstream_auth");
  }
  if (status == 429 && is("insufficient_quota")) {
    util::LogWarn(who + "the account's quota is exhausted: " + error.message);
    return Status::Unavailable(
        "the image service's quota is exhausted: " + error.message,
        "upstream_quota");
  }
  if (status == 429)
    return Status::Unavailable(error.message, "upstream_rate_limited");
  return Status::BadGateway("upstream error " + std::to_string(status) + ": " +
                            error.message);
}

// One entry of "data": inline base64, or a link to download.
Result<GeneratedImage> ReadImage(
    const HttpClient& http, const json& item,
    const std::vector<std::pair<std::string, std::string>>& headers,
    const CallOptions& options) {
  if (!item.is_object())
    return Status::BadGateway(http.label() +
                              " sent an image entry that is not an object");
  GeneratedImage image;
  if (auto it = item.find("revised_prompt");
      it != item.end() && it->is_string()) {
    image.revised_prompt = it->get<std::string>();
  }
  auto b64 = item.find("b64_json");
  auto url = item.find("url");
  if (b64 != item.end() && b64->is_string()) {
    auto bytes = DecodeImageBase64(b64->get_ref<const std::string&>());
    if (!bytes.ok()) return bytes.status();
    image.bytes = std::move(*bytes);
    return image;
  }
  if (url == item.end() || !url->is_string()) {
    return Status::BadGateway(
        http.label() + " sent an image entry with neither b64_json nor url");
  }
  auto got = http.Fetch(url->get_ref<const std::string&>(), headers, options);
  if (!got.ok()) return got.status().WithContext("downloading the image");
  if (got->status != 200) {
    return Status::BadGateway("downloading the image from " + http.label() +
                              " failed: HTTP " + std::to_string(got->status));
  }
  image.bytes = std::move(got->body);
  return image;
}

}  // namespace

OpenAIBackend::OpenAIBackend(const config::BackendConfig& config, BaseUrl url)
    : config_(config),
      info_(MakeInfo(config)),
      http_(std::move(url), config.name.empty() ? "openai" : config.name,
            config.timeout) {}

std::vector<std::pair<std::string, std::string>> OpenAIBackend::AuthHeaders()
    const {
  if (config_.api_key.empty()) return {};
  return {{"Authorization", "Bearer " + config_.api_key}};
}

Result<std::vector<GeneratedImage>> OpenAIBackend::Generate(
    const GenerateRequest& request, JobControl& control) {
  InFlightGuard guard(in_flight_, control);
  CallOptions options{Clock::now() + config_.timeout, kMaxJsonBytes,
                      &guard.signal()};
  HttpRequest post{"POST", "/images/generations", BuildBody(config_, request),
                   "application/json", AuthHeaders()};
  auto response = http_.Send(post, options);
  if (!response.ok()) return response.status();
  if (response->status < 200 || response->status > 299) {
    return MapError(config_, response->status, response->body);
  }
  json doc = ParseUpstreamJson(response->body);
  response->body = std::string();  // base64 can be tens of MiB: free it early
  if (doc.is_discarded())
    return Status::BadGateway("backend answered something that is not JSON");
  const json* data =
      doc.is_object() && doc.contains("data") ? &doc["data"] : nullptr;
  if (data == nullptr || !data->is_array() || data->empty()) {
    return Status::BadGateway(http_.label() + " answered without any image");
  }

  std::vector<GeneratedImage> images;
  options.max_bytes = kMaxImageBytes;
  for (const json& item : *data) {
    if (images.size() >= static_cast<size_t>(std::max(request.n, 1))) break;
    auto image = ReadImage(http_, item, AuthHeaders(), options);
    if (!image.ok()) return image.status();
    images.push_back(std::move(*image));
  }
  if (control.canceled.load())
    return Status::Canceled("the generation was canceled");
  return images;
}

void OpenAIBackend::Cancel(JobControl& control) {
  if (auto signal = in_flight_.Find(control)) signal->Abort();
}

}  // namespace aigen::gen
