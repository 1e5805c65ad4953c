#pragma once

#include <memory>
#include <vector>

#include "config/config.h"
#include "gen/backend.h"
#include "gen/http_client.h"
#include "util/status.h"

namespace aigen::gen {

// The OpenAI Images API (`POST {url}/images/generations`) and the servers that
// imitate it (LocalAI, stable-diffusion.cpp's sd-server). Asks for base64
// images where the model allows it and downloads them when the answer holds
// URLs. Reports no progress: the API gives none. Thread-safe: any number of
// Generate calls may run at once, each on its own connection.
class OpenAIBackend : public Backend {
 public:
  OpenAIBackend(const config::BackendConfig& config, BaseUrl url);

  const BackendInfo& info() const override { return info_; }

  // Errors as Backend::Generate; reasons: "content_policy" (InvalidArgument,
  // the API's own message), "upstream_auth" (401), "upstream_quota" and
  // "upstream_rate_limited" (Unavailable, 429).
  Result<std::vector<GeneratedImage>> Generate(const GenerateRequest& request,
                                               JobControl& control) override;

  // Aborts the request in flight for `control` (closing its connection).
  void Cancel(JobControl& control) override;

 private:
  std::vector<std::pair<std::string, std::string>> AuthHeaders() const;

  const config::BackendConfig config_;
  const BackendInfo info_;
  const HttpClient http_;
  InFlightCalls in_flight_;
};

}  // namespace aigen::gen
