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

// A real HTTP server on 127.0.0.1 (ephemeral port) speaking AUTOMATIC1111's
// /sdapi/v1: txt2img, progress (rising while a txt2img runs) and interrupt
// (ends the running txt2img early, which still answers 200 with its images,
// as A1111 does). Optional HTTP Basic auth on every route. Ready when
// constructed; stops (ending slow and endless answers at once) when destroyed.
// Thread-safe.
//
//   FakeA1111 fake;
//   fake.SetGenerationTime(std::chrono::milliseconds(1500));
//   config.url = fake.url();  // "http://127.0.0.1:PORT"
//   ... fake.requests("/sdapi/v1/interrupt") == 1
class FakeA1111 {
 public:
  enum class Mode {
    kSuccess,  // 200 after generation_time: batch_size PNGs of width x height,
               // info with seed (request's, or 1234 for -1) and all_seeds
    kServerError,  // 500 {"error": "OutOfMemoryError", ..., "errors": "CUDA out
                   // of memory..."}
    kSamplerNotFound,  // 404 {"error": "HTTPException", "detail": "Sampler not
                       // found", ...}
    kNotAnImage,       // 200 with the base64 of "hello"
    kHugeDimensions,   // 200 with the base64 of PngHeaderClaiming(10000, 10000)
    kNeverEnds,  // 200, Content-Length 8 MiB, then a few bytes every 100 ms
    kSlow,       // like kSuccess but taking slow_delay (default 30 s)
    kGarbage,    // 200 text/html "<html>Internal Server Error</html>"
  };

  FakeA1111();
  ~FakeA1111();
  FakeA1111(const FakeA1111&) = delete;
  FakeA1111& operator=(const FakeA1111&) = delete;

  void SetMode(Mode mode);
  // How long a kSuccess txt2img takes (default 0); progress rises meanwhile.
  void SetGenerationTime(std::chrono::milliseconds time);
  void SetSlowDelay(std::chrono::milliseconds delay);
  // Requires HTTP Basic auth with these credentials on every route; empty:
  // none.
  void SetCredentials(std::string user, std::string password);
  // false: /progress and /interrupt answer 404, as stable-diffusion.cpp's
  // sdapi.
  void SetProgressAvailable(bool available);
  // true: a grid image comes first when batch_size > 1 (index_of_first_image
  // 1).
  void SetReturnGrid(bool grid);

  std::string url() const;  // "http://127.0.0.1:PORT"
  int port() const { return http_.port(); }

  // The JSON body of the last txt2img request (null before any).
  nlohmann::json last_request() const;
  std::string last_authorization() const;  // of the last request on any route
  // Requests seen on `path` ("/sdapi/v1/txt2img", "/sdapi/v1/progress",
  // "/sdapi/v1/interrupt"), whatever their answer.
  int requests(const std::string& path) const;

 private:
  bool Authorized(const httplib::Request& req, httplib::Response& res);
  void HandleTxt2Img(const httplib::Request& req, httplib::Response& res);
  void HandleProgress(const httplib::Request& req, httplib::Response& res);
  void HandleInterrupt(const httplib::Request& req, httplib::Response& res);
  // Runs a "job" for `time`, unless interrupted or stopped; false when stopped.
  bool RunJob(std::chrono::milliseconds time);
  void AnswerImages(const nlohmann::json& request, httplib::Response& res);
  bool SleepFor(std::chrono::milliseconds delay);

  LoopbackServer http_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;  // wakes jobs and sleepers on interrupt or stop
  bool stopping_ = false;       // everything below is guarded by mutex_
  Mode mode_ = Mode::kSuccess;
  std::chrono::milliseconds generation_time_{0};
  std::chrono::milliseconds slow_delay_{30000};
  std::string user_, password_;
  bool progress_available_ = true;
  bool return_grid_ = false;
  bool job_running_ = false;
  bool interrupted_ = false;
  std::chrono::steady_clock::time_point job_start_;
  std::chrono::milliseconds job_time_{0};
  nlohmann::json last_request_;
  std::string last_authorization_;
  std::map<std::string, int> requests_;
};

}  // namespace aigen::testing
