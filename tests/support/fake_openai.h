#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "support/loopback_server.h"

namespace aigen::testing {

// A real HTTP server on 127.0.0.1 (ephemeral port) speaking the OpenAI Images
// API: POST /v1/images/generations, plus GET /v1/files/<id>.png for images
// answered as URLs. Its Mode chooses success or one fault. Ready when
// constructed; stops (ending slow and endless answers at once) when destroyed.
// Thread-safe.
//
//   FakeOpenAI fake;
//   fake.SetMode(FakeOpenAI::Mode::kRateLimited);
//   config.url = fake.url();  // "http://127.0.0.1:PORT/v1"
class FakeOpenAI {
 public:
  enum class Mode {
    kSuccess,      // 200: PNGs of the requested size; b64_json or url as the
                   // request asks (no response_format: url, except gpt-image-*)
    kSuccessUrl,   // 200: always url (LocalAI's default), served by the fake
    kServerError,  // 500 {"error": {"message": "The server had an error...",
                   // "type": "server_error"}}
    kRateLimited,  // 429 code rate_limit_exceeded, "Rate limit reached ..."
    kInsufficientQuota,  // 429 code insufficient_quota, "You exceeded your
                         // current quota ..."
    kInvalidApiKey,  // 401 code invalid_api_key, "Incorrect API key provided
                     // ..."
    kContentPolicy,  // 400 code content_policy_violation, kContentPolicyMessage
    kStringError,  // 500 {"error": "model not loaded"} as stable-diffusion.cpp
    kNotAnImage,   // 200 with b64_json of the bytes "hello"
    kHugeDimensions,  // 200 with b64_json of PngHeaderClaiming(10000, 10000)
    kNeverEnds,  // 200, Content-Length 8 MiB, then a few bytes every 100 ms
    kSlow,       // answers kSuccess after slow_delay (default 30 s)
    kGarbage,    // 200 text/html "<html>Bad gateway</html>"
  };

  static constexpr const char* kContentPolicyMessage =
      "Your request was rejected as a result of our safety system.";

  FakeOpenAI();
  ~FakeOpenAI();
  FakeOpenAI(const FakeOpenAI&) = delete;
  FakeOpenAI& operator=(const FakeOpenAI&) = delete;

  void SetMode(Mode mode);
  void SetSlowDelay(std::chrono::milliseconds delay);

  std::string url() const;  // "http://127.0.0.1:PORT/v1"
  int port() const { return http_.port(); }

  // The JSON body of the last /images/generations request (null before any;
  // a string holding the raw body when it was not JSON).
  nlohmann::json last_request() const;
  // Its Authorization header ("" when absent).
  std::string last_authorization() const;
  int generation_requests() const;
  int download_requests() const;
  // Authorization header of the last image download ("" when absent).
  std::string last_download_authorization() const;

 private:
  void HandleGenerate(const httplib::Request& req, httplib::Response& res);
  void HandleDownload(const httplib::Request& req, httplib::Response& res);
  void AnswerSuccess(const nlohmann::json& request, bool force_url,
                     httplib::Response& res);
  void AnswerNeverEnding(httplib::Response& res);
  // Sleeps `delay` unless the server stops first; false when it stopped.
  bool SleepFor(std::chrono::milliseconds delay);

  LoopbackServer http_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;  // wakes sleepers on stop
  bool stopping_ = false;       // guarded by mutex_
  Mode mode_ = Mode::kSuccess;  // guarded by mutex_
  std::chrono::milliseconds slow_delay_{30000};
  nlohmann::json last_request_;
  std::string last_authorization_;
  std::string last_download_authorization_;
  int generation_requests_ = 0;
  int download_requests_ = 0;
  std::map<int, std::string> files_;  // id -> PNG served at /v1/files/<id>.png
  int next_file_ = 1;
};

}  // namespace aigen::testing
