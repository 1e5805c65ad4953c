#include "http/message.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

namespace aigen::http {

Request::Request(const httplib::Request& raw, std::string client_ip)
    : raw_(raw), client_ip_(std::move(client_ip)) {}

const std::string& Request::method() const { return raw_.method; }
const std::string& Request::path() const { return raw_.path; }
const std::string& Request::body() const { return raw_.body; }

std::string Request::param(size_t i) const {
  return i < raw_.matches.size() ? raw_.matches[i].str() : std::string();
}

std::string Request::header(const std::string& name) const {
  return raw_.get_header_value(name);
}

std::string Request::query(const std::string& name) const {
  return raw_.get_param_value(name);
}

bool Request::has_query(const std::string& name) const {
  return raw_.has_param(name);
}

int HttpStatusOf(Code code) {
  switch (code) {
    case Code::kOk:
      return 200;
    case Code::kInvalidArgument:
      return 400;
    case Code::kUnauthenticated:
      return 401;
    case Code::kPermissionDenied:
      return 403;
    case Code::kNotFound:
      return 404;
    case Code::kConflict:
      return 409;
    case Code::kPayloadTooLarge:
      return 413;
    case Code::kUnsupportedMedia:
      return 415;
    case Code::kRateLimited:
      return 429;
    case Code::kInternal:
      return 500;
    case Code::kBadGateway:
      return 502;
    case Code::kUnavailable:
      return 503;
    case Code::kGatewayTimeout:
      return 504;
    case Code::kInsufficientStorage:
      return 507;
    case Code::kCanceled:
      return 409;
  }
  return 500;
}

std::string DumpJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response JsonResponse(int status, const nlohmann::json& body) {
  Response res;
  res.status = status;
  res.body = DumpJson(body);
  return res;
}

Response ErrorResponse(const Status& status) {
  return JsonResponse(
      HttpStatusOf(status.code()),
      {{"error", {{"code", status.reason()}, {"message", status.message()}}}});
}

}  // namespace aigen::http
