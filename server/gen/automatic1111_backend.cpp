#include "gen/automatic1111_backend.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "gen/sizes.h"
#include "gen/upstream_json.h"
#include "util/log.h"

namespace aigen::gen {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr size_t kMaxProgressBytes =
    1u << 20;  // progress JSON, current image skipped
constexpr auto kProgressCallLimit = std::chrono::seconds(5);

BackendInfo MakeInfo(const config::BackendConfig& config) {
  BackendInfo info;
  info.name = config.name;
  info.type = "automatic1111";
  info.model = config.model;
  info.max_n = config.max_n > 0 ? config.max_n : 4;
  info.concurrency = config.concurrency;
  info.sizes = SizeRuleFor("automatic1111", config.model);
  return info;
}

std::string BuildBody(const config::BackendConfig& config,
                      const GenerateRequest& request, int max_n) {
  json body = {{"prompt", request.prompt},
               {"negative_prompt", request.negative_prompt},
               {"width", request.width},
               {"height", request.height},
               {"steps", config.steps},
               {"cfg_scale", config.cfg_scale},
               {"sampler_name", config.sampler},
               {"seed", request.seed},
               {"batch_size", std::clamp(request.n, 1, max_n)},
               {"n_iter", 1},
               {"send_images", true},
               {"save_images", false}};
  if (!config.model.empty())
    body["override_settings"] = {{"sd_model_checkpoint", config.model}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

// A1111 wraps errors as {"error": ExceptionName, "detail", "body", "errors"};
// FastAPI's own are {"detail": ...}.
std::string ReadErrorMessage(const json& doc) {
  if (!doc.is_object()) return UpstreamText(doc);
  std::string message;
  for (const char* key : {"error", "detail", "errors"}) {
    auto it = doc.find(key);
    if (it == doc.end()) continue;
    std::string part = UpstreamText(*it);
    if (part.empty() || part == "HTTPException")
      continue;  // the name says nothing
    message += (message.empty() ? "" : ": ") + part;
  }
  return message.empty() ? "no message" : ShortenUpstreamMessage(message);
}

Status MapError(const config::BackendConfig& config, const BaseUrl& url,
                int status, const std::string& body) {
  if (status == 401 || status == 403) {
    util::LogError("backend '" + config.name +
                   "': automatic1111 refused the credentials (" +
                   std::to_string(status) + ")");
    return Status::BadGateway(
        "automatic1111 refused the credentials (" + std::to_string(status) +
            "): check username and password of backend '" + config.name + "'",
        "upstream_auth");
  }
  json doc = ParseUpstreamJson(body);
  if (doc.is_discarded() && status == 404) {
    return Status::BadGateway(
        url.text +
        " has no /sdapi/v1/txt2img: is the web UI started with --api?");
  }
  if (doc.is_discarded()) {
    return Status::BadGateway(
        "backend answered something that is not JSON (HTTP " +
        std::to_string(status) + ")");
  }
  // 404 is what A1111 answers for an unknown sampler or checkpoint: the
  // owner's configuration, not the user's request, so still BadGateway.
  return Status::BadGateway("upstream error " + std::to_string(status) + ": " +
                            ReadErrorMessage(doc));
}

// The per-image seeds from `info`, a JSON document inside a string.
struct Info {
  int64_t seed = -1;
  std::vector<int64_t> all_seeds;
  size_t first_image = 0;  // 1 when a grid image leads
};

Info ReadInfo(const json& doc) {
  Info info;
  auto it = doc.find("info");
  if (it == doc.end()) return info;
  json parsed =
      it->is_string() ? ParseUpstreamJson(it->get<std::string>()) : *it;
  if (!parsed.is_object()) return info;
  if (auto s = parsed.find("seed"); s != parsed.end() && s->is_number_integer())
    info.seed = s->get<int64_t>();
  if (auto a = parsed.find("all_seeds"); a != parsed.end() && a->is_array()) {
    for (const json& seed : *a)
      info.all_seeds.push_back(seed.is_number_integer() ? seed.get<int64_t>()
                                                        : -1);
  }
  if (auto f = parsed.find("index_of_first_image");
      f != parsed.end() && f->is_number_unsigned()) {
    info.first_image = f->get<size_t>();
  }
  return info;
}

Result<std::vector<GeneratedImage>> ParseImages(const std::string& body,
                                                int n) {
  json doc = ParseUpstreamJson(body);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::BadGateway("backend answered something that is not JSON");
  }
  auto images = doc.find("images");
  if (images == doc.end() || !images->is_array()) {
    return Status::BadGateway("automatic1111 answered without any image");
  }
  Info info = ReadInfo(doc);
  if (info.first_image >= images->size()) info.first_image = 0;
  std::vector<GeneratedImage> out;
  for (size_t i = info.first_image;
       i < images->size() && out.size() < static_cast<size_t>(n); ++i) {
    if (!(*images)[i].is_string())
      return Status::BadGateway(
          "automatic1111 sent an image that is not a string");
    auto bytes = DecodeImageBase64((*images)[i].get_ref<const std::string&>());
    if (!bytes.ok()) return bytes.status();
    GeneratedImage image;
    image.bytes = std::move(*bytes);
    size_t k = i - info.first_image;
    if (k < info.all_seeds.size()) {
      image.seed = info.all_seeds[k];
    } else if (info.seed >= 0) {
      image.seed = info.seed +
                   static_cast<int64_t>(k);  // A1111 numbers a batch's seeds so
    }
    out.push_back(std::move(image));
  }
  if (out.empty())
    return Status::BadGateway("automatic1111 answered without any image");
  return out;
}

// Polls /sdapi/v1/progress on its own thread while a txt2img call blocks.
// The callback never runs after Stop() returns.
class ProgressPoller {
 public:
  ProgressPoller(const HttpClient& http, Headers headers,
                 std::chrono::milliseconds interval, Clock::time_point deadline,
                 JobControl& control, std::atomic<bool>& supported)
      : http_(http),
        headers_(std::move(headers)),
        interval_(interval),
        deadline_(deadline),
        control_(control),
        supported_(supported) {
    if (supported_.load() && control_.on_progress)
      thread_ = std::thread([this] { Run(); });
  }
  ~ProgressPoller() { Stop(); }
  ProgressPoller(const ProgressPoller&) = delete;
  ProgressPoller& operator=(const ProgressPoller&) = delete;

  void Stop() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    signal_.Abort();  // a poll in flight must not delay the generation's answer
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Run() {
    double last = 0;
    std::unique_lock lock(mutex_);
    while (!cv_.wait_for(lock, interval_, [this] { return stop_; })) {
      lock.unlock();
      HttpRequest get{"GET", "/sdapi/v1/progress?skip_current_image=true", "",
                      "", headers_};
      auto poll_deadline =
          std::min(deadline_, Clock::now() + kProgressCallLimit);
      auto response =
          http_.Send(get, {poll_deadline, kMaxProgressBytes, &signal_});
      lock.lock();
      if (!response.ok() || stop_) continue;  // a missed poll is no failure
      if (response->status ==
          404) {  // stable-diffusion.cpp: no progress to be had
        supported_.store(false);
        return;
      }
      json doc = ParseUpstreamJson(response->body);
      if (response->status != 200 || !doc.is_object()) continue;
      auto p = doc.find("progress");
      if (p == doc.end() || !p->is_number()) continue;
      // The server's progress is global and drops to 0 between jobs: report
      // only rises.
      double value = std::clamp(p->get<double>(), 0.0, 1.0);
      if (value > last) {
        last = value;
        control_.on_progress(value);
      }
    }
  }

  const HttpClient& http_;
  const Headers headers_;
  const std::chrono::milliseconds interval_;
  const Clock::time_point deadline_;
  JobControl& control_;
  std::atomic<bool>& supported_;
  AbortSignal signal_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace

Automatic1111Backend::Automatic1111Backend(const config::BackendConfig& config,
                                           BaseUrl url,
                                           Automatic1111Options options)
    : config_(config),
      info_(MakeInfo(config)),
      http_(std::move(url), config.name.empty() ? "automatic1111" : config.name,
            config.timeout),
      options_(options) {}

Headers Automatic1111Backend::AuthHeaders() const {
  if (config_.username.empty() && config_.password.empty()) return {};
  return {{"Authorization",
           BasicAuthorization(config_.username, config_.password)}};
}

Result<std::vector<GeneratedImage>> Automatic1111Backend::Generate(
    const GenerateRequest& request, JobControl& control) {
  InFlightGuard guard(in_flight_, control);
  const auto deadline = Clock::now() + config_.timeout;
  HttpRequest post{"POST", "/sdapi/v1/txt2img",
                   BuildBody(config_, request, info_.max_n), "application/json",
                   AuthHeaders()};
  Result<HttpResponse> response = Status::Internal("not sent");
  {
    ProgressPoller poller(http_, AuthHeaders(), options_.progress_interval,
                          deadline, control, progress_supported_);
    response = http_.Send(post, {deadline, kMaxJsonBytes, &guard.signal()});
  }
  // Interrupted, A1111 still answers 200 with what it had: that is no result.
  if (control.canceled.load())
    return Status::Canceled("the generation was canceled");
  if (!response.ok()) return response.status();
  if (response->status != 200)
    return MapError(config_, http_.base(), response->status, response->body);
  return ParseImages(response->body, std::max(request.n, 1));
}

void Automatic1111Backend::Cancel(JobControl& control) {
  auto signal = in_flight_.Find(control);
  if (!signal) return;
  signal->Abort();
  HttpRequest post{"POST", "/sdapi/v1/interrupt", "", "application/json",
                   AuthHeaders()};
  auto response = http_.Send(
      post, {Clock::now() + options_.interrupt_timeout, kMaxProgressBytes});
  // A 404 is stable-diffusion.cpp, which has no interrupt: nothing more to do.
  if (!response.ok()) {
    util::LogWarn("backend '" + config_.name +
                  "': could not interrupt: " + response.status().message());
  } else if (response->status != 200 && response->status != 404) {
    util::LogWarn("backend '" + config_.name + "': interrupt answered HTTP " +
                  std::to_string(response->status));
  }
}

}  // namespace aigen::gen
