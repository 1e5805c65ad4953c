#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace aigen {

// What went wrong, in terms a caller can act on. Each code maps to exactly one
// HTTP status (see HttpStatusOf in http/); nothing below api/ knows HTTP.
enum class Code {
  kOk,
  kInvalidArgument,   // 400: the caller must change the input
  kUnauthenticated,   // 401
  kPermissionDenied,  // 403
  kNotFound,          // 404
  kConflict,          // 409
  kPayloadTooLarge,   // 413
  kUnsupportedMedia,  // 415
  kRateLimited,       // 429
  kInternal,          // 500: a bug or a broken machine; details go to the log
  kBadGateway,        // 502: an image backend failed or answered garbage
  kUnavailable,       // 503: try again later (queue full, upstream rate limit)
  kGatewayTimeout,    // 504: an image backend took too long
  kInsufficientStorage,  // 507
  kCanceled,             // 499: the job was canceled by the user
};

// A value type: Ok, or a code with a human message and a snake_case reason that
// API clients can switch on ("prompt_too_long", "upstream_rate_limited").
// Thread-compatible.
class Status {
 public:
  Status() = default;  // Ok
  Status(Code code, std::string message, std::string reason = {})
      : code_(code), message_(std::move(message)), reason_(std::move(reason)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string m, std::string r = {}) {
    return {Code::kInvalidArgument, std::move(m), std::move(r)};
  }
  static Status NotFound(std::string m, std::string r = {}) {
    return {Code::kNotFound, std::move(m), std::move(r)};
  }
  static Status Conflict(std::string m, std::string r = {}) {
    return {Code::kConflict, std::move(m), std::move(r)};
  }
  static Status PayloadTooLarge(std::string m, std::string r = {}) {
    return {Code::kPayloadTooLarge, std::move(m), std::move(r)};
  }
  static Status RateLimited(std::string m, std::string r = {}) {
    return {Code::kRateLimited, std::move(m), std::move(r)};
  }
  static Status Internal(std::string m, std::string r = {}) {
    return {Code::kInternal, std::move(m), std::move(r)};
  }
  static Status BadGateway(std::string m, std::string r = {}) {
    return {Code::kBadGateway, std::move(m), std::move(r)};
  }
  static Status Unavailable(std::string m, std::string r = {}) {
    return {Code::kUnavailable, std::move(m), std::move(r)};
  }
  static Status GatewayTimeout(std::string m, std::string r = {}) {
    return {Code::kGatewayTimeout, std::move(m), std::move(r)};
  }
  static Status InsufficientStorage(std::string m, std::string r = {}) {
    return {Code::kInsufficientStorage, std::move(m), std::move(r)};
  }
  static Status Canceled(std::string m, std::string r = {}) {
    return {Code::kCanceled, std::move(m), std::move(r)};
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // The snake_case reason given at construction, else one derived from the
  // code.
  std::string reason() const;
  // "invalid_argument: prompt is empty" — for logs.
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context: `.
  Status WithContext(std::string_view context) const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::string reason_;
};

// A value or the Status saying why there is none. Never both, never neither.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    if (status_.ok())
      status_ = Status::Internal("Result built from an Ok status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace aigen
