#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gen/backend.h"
#include "util/status.h"

namespace aigen::gen {

// A backend's base URL split into the parts a connection needs.
struct BaseUrl {
  std::string scheme;  // "http" | "https"
  std::string host;    // "127.0.0.1", "api.openai.com", "::1" (no brackets)
  int port = 0;        // explicit or the scheme's default
  std::string path_prefix;  // "" or "/v1": no trailing slash
  std::string text;  // as configured, without a trailing slash; for messages
};

// Parses "http[s]://host[:port][/prefix]". InvalidArgument (saying what is
// wrong) for another scheme, user info, a query or fragment, or a bad port.
Result<BaseUrl> ParseBaseUrl(std::string_view url);

// Aborts the HTTP calls that share it, from any thread. Once aborted it stays
// aborted: make a new one per job. Thread-safe.
class AbortSignal {
 public:
  void Abort();
  bool aborted() const;

 private:
  friend class CallWatchdog;  // waits on cv_ (defined in http_client.cpp)
  mutable std::mutex mutex_;
  std::condition_variable cv_;  // notified on Abort and when a call ends
  bool aborted_ = false;        // guarded by mutex_
};

struct HttpRequest {
  std::string method = "GET";  // "GET" | "POST"
  std::string path;  // appended to the base URL's prefix; may hold a query
  std::string body;  // sent with POST
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>>
      headers;  // e.g. Authorization
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string content_type;
};

// Limits of one call.
struct CallOptions {
  std::chrono::steady_clock::time_point
      deadline;                  // the whole call, body included
  size_t max_bytes = 64u << 20;  // larger bodies fail with BadGateway
  AbortSignal* abort =
      nullptr;  // optional; aborting makes the call return Canceled
};

inline constexpr size_t kMaxJsonBytes = 64u
                                        << 20;  // JSON carrying base64 images
inline constexpr size_t kMaxImageBytes = 64u << 20;  // one downloaded image

// Outgoing HTTP for the backends, over httplib. Each call opens its own
// connection (no keep-alive), so one HttpClient serves many threads at once.
// Guarantees: connect timeout of at most 10 s, TLS certificates verified
// against the system CAs, redirects never followed, bodies capped, and a call
// never outlives its deadline by more than a moment, even against a server
// that trickles bytes forever. An abort ends a call at once, except during a
// TCP connect or TLS handshake, which httplib lets finish (at most 10 s).
// Thread-safe.
class HttpClient {
 public:
  // `label` names the backend in messages ("openai"); `timeout` is the
  // configured generation timeout, quoted when a deadline passes.
  HttpClient(BaseUrl base, std::string label, std::chrono::seconds timeout);

  const BaseUrl& base() const { return base_; }
  const std::string& label() const { return label_; }

  // Sends `request` to the base URL. Any HTTP status is a success here; the
  // caller reads it. Errors: BadGateway "could not reach <label> at <url>: ..."
  // (connect, TLS, reset) or when the body exceeds max_bytes; GatewayTimeout
  // "<label> did not answer within N s" when the deadline passes; Canceled
  // when `options.abort` fires.
  Result<HttpResponse> Send(const HttpRequest& request,
                            const CallOptions& options) const;

  // GETs an absolute http(s) URL (an image the backend links to), with the
  // same rules. `headers` are sent only when the URL is on the base's host and
  // port, so an API key never leaks to a storage host. A URL starting with "/"
  // is resolved against the base's host.
  Result<HttpResponse> Fetch(
      std::string_view url,
      const std::vector<std::pair<std::string, std::string>>& headers,
      const CallOptions& options) const;

 private:
  Result<HttpResponse> SendTo(const BaseUrl& target, const HttpRequest& request,
                              const CallOptions& options) const;
  Status TimedOut() const;

  BaseUrl base_;
  std::string label_;
  std::chrono::seconds timeout_;
};

// Which jobs have calls in flight on a backend, so Cancel(control) can find the
// signal that aborts them. Thread-safe.
class InFlightCalls {
 public:
  // Registers `control` and returns its new signal, already aborted when
  // `control.canceled` is set (Cancel may have come before Generate).
  std::shared_ptr<AbortSignal> Add(const JobControl& control) {
    auto signal = std::make_shared<AbortSignal>();
    std::lock_guard lock(mutex_);
    calls_[&control] = signal;
    // Read under the lock: a Cancel that came before we registered found
    // nothing to abort, so the flag is our only news of it.
    if (control.canceled.load()) signal->Abort();
    return signal;
  }
  void Remove(const JobControl& control) {
    std::lock_guard lock(mutex_);
    calls_.erase(&control);
  }
  // The signal of a registered job, or null.
  std::shared_ptr<AbortSignal> Find(const JobControl& control) const {
    std::lock_guard lock(mutex_);
    auto it = calls_.find(&control);
    return it == calls_.end() ? nullptr : it->second;
  }

 private:
  mutable std::mutex mutex_;
  std::map<const JobControl*, std::shared_ptr<AbortSignal>>
      calls_;  // guarded by mutex_
};

// Registers a job for its scope.
class InFlightGuard {
 public:
  InFlightGuard(InFlightCalls& calls, const JobControl& control)
      : calls_(calls), control_(control), signal_(calls.Add(control)) {}
  ~InFlightGuard() { calls_.Remove(control_); }
  InFlightGuard(const InFlightGuard&) = delete;
  InFlightGuard& operator=(const InFlightGuard&) = delete;

  AbortSignal& signal() { return *signal_; }

 private:
  InFlightCalls& calls_;
  const JobControl& control_;
  std::shared_ptr<AbortSignal> signal_;
};

// "Basic <base64(user:password)>".
std::string BasicAuthorization(std::string_view user,
                               std::string_view password);

// Base64 image data as backends send it: plain, or as a "data:...;base64,"
// URL (some A1111 forks). BadGateway when it is not base64.
Result<std::string> DecodeImageBase64(std::string_view text);

}  // namespace aigen::gen
