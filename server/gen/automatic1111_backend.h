#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include "config/config.h"
#include "gen/backend.h"
#include "gen/http_client.h"
#include "util/status.h"

namespace aigen::gen {

struct Automatic1111Options {
  // How often /sdapi/v1/progress is asked while a txt2img runs.
  std::chrono::milliseconds progress_interval{1000};
  // How long Cancel waits for /sdapi/v1/interrupt to answer.
  std::chrono::seconds interrupt_timeout{3};
};

// The AUTOMATIC1111 web UI API (`/sdapi/v1`), also spoken by Forge, SD.Next
// and (partly) stable-diffusion.cpp. Reports progress by polling
// /sdapi/v1/progress beside the blocking txt2img call; a server without that
// endpoint (404) is not asked again. The server's progress and interrupt are
// global, not per job: this backend assumes it is the server's only client
// (concurrency 1, as A1111 runs one job at a time). Thread-safe.
class Automatic1111Backend : public Backend {
 public:
  Automatic1111Backend(const config::BackendConfig& config, BaseUrl url,
                       Automatic1111Options options = {});

  const BackendInfo& info() const override { return info_; }

  // Errors as Backend::Generate; reason "upstream_auth" when the server
  // refuses the credentials. Seeds come from the server's `info`.
  Result<std::vector<GeneratedImage>> Generate(const GenerateRequest& request,
                                               JobControl& control) override;

  // Aborts the call in flight for `control`, then asks the server to
  // interrupt its job (A1111 keeps computing after a client hangs up). May
  // block up to options.interrupt_timeout.
  void Cancel(JobControl& control) override;

 private:
  std::vector<std::pair<std::string, std::string>> AuthHeaders() const;

  const config::BackendConfig config_;
  const BackendInfo info_;
  const HttpClient http_;
  const Automatic1111Options options_;
  InFlightCalls in_flight_;
  std::atomic<bool> progress_supported_{true};  // false after a 404
};

}  // namespace aigen::gen
