#include "util/status.h"

namespace aigen {
namespace {

std::string_view CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "ok";
    case Code::kInvalidArgument:
      return "invalid_argument";
    case Code::kUnauthenticated:
      return "unauthenticated";
    case Code::kPermissionDenied:
      return "permission_denied";
    case Code::kNotFound:
      return "not_found";
    case Code::kConflict:
      return "conflict";
    case Code::kPayloadTooLarge:
      return "payload_too_large";
    case Code::kUnsupportedMedia:
      return "unsupported_media_type";
    case Code::kRateLimited:
      return "rate_limited";
    case Code::kInternal:
      return "internal";
    case Code::kBadGateway:
      return "bad_gateway";
    case Code::kUnavailable:
      return "unavailable";
    case Code::kGatewayTimeout:
      return "gateway_timeout";
    case Code::kInsufficientStorage:
      return "insufficient_storage";
    case Code::kCanceled:
      return "canceled";
  }
  return "unknown";
}

}  // namespace

std::string Status::reason() const {
  return reason_.empty() ? std::string(CodeName(code_)) : reason_;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return reason() + ": " + message_;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  return Status(code_, std::string(context) + ": " + message_, reason_);
}

}  // namespace aigen
