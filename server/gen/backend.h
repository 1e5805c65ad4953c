#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gen/sizes.h"
#include "util/status.h"

namespace aigen::gen {

// What a user asked for, already validated by the caller against the
// backend's size rules (see sizes.h).
struct GenerateRequest {
  std::string prompt;
  std::string negative_prompt;  // empty: none
  int width = 512;
  int height = 512;
  int64_t seed = -1;  // -1: the backend picks one
  int n = 1;          // images wanted, 1..max_n of the backend
};

// One image as the backend returned it: raw file bytes (PNG or JPEG, not yet
// validated: the caller decodes them before storing) and what the backend
// reports about it.
struct GeneratedImage {
  std::string bytes;
  int64_t seed = -1;           // -1 when the backend does not say
  std::string revised_prompt;  // OpenAI dall-e-3 rewrites prompts
};

// Shared between a running job and whoever may cancel it. Thread-safe.
struct JobControl {
  std::atomic<bool> canceled{false};
  // Called by the backend with 0..1 whenever it learns of progress; may be
  // called from the backend's own threads.
  std::function<void(double)> on_progress;
};

// Describes a configured backend for /api/backends and for size checks.
struct BackendInfo {
  std::string name;   // as configured, shown to users
  std::string type;   // "demo" | "openai" | "automatic1111"
  std::string model;  // "" when the backend has no model choice
  bool is_demo = false;
  int max_n = 1;  // most images per request
  int concurrency = 1;
  SizeRule sizes;
};

// An image generator. Implementations are thread-safe: the job queue calls
// Generate from up to `concurrency` worker threads at once.
class Backend {
 public:
  virtual ~Backend() = default;

  virtual const BackendInfo& info() const = 0;

  // Generates `request.n` images. Blocks until done, failed, timed out or
  // canceled (control.canceled set, then Cancel() called). Errors:
  // InvalidArgument (the backend refused the prompt, e.g. content policy;
  // its own message), BadGateway (upstream error or garbage), Unavailable
  // (upstream rate limit / overloaded / quota), GatewayTimeout, Canceled.
  virtual Result<std::vector<GeneratedImage>> Generate(
      const GenerateRequest& request, JobControl& control) = 0;

  // Asks the backend to abort the generation in flight for `control`, from
  // another thread. Generate then returns Canceled soon.
  virtual void Cancel(JobControl& control) = 0;
};

}  // namespace aigen::gen
