#pragma once

#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace httplib {
struct Request;
}

namespace aigen::http {

// A request as handlers see it: a thin view over the library's request, so
// nothing outside http/ includes <httplib.h>. Valid only during the handler.
class Request {
 public:
  Request(const httplib::Request& raw, std::string client_ip);

  const std::string& method() const;
  const std::string& path() const;
  const std::string& body() const;
  // The unmapped client address from the socket ("203.0.113.7", "2001:db8::1").
  const std::string& client_ip() const { return client_ip_; }
  // Capture group `i` (1-based) of the route pattern.
  std::string param(size_t i) const;
  // "" when absent.
  std::string header(const std::string& name) const;
  std::string query(const std::string& name) const;
  bool has_query(const std::string& name) const;

 private:
  const httplib::Request& raw_;
  std::string client_ip_;
};

// Writes a streamed response body (Server-Sent Events). Not thread-safe.
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  // False once the client has gone or the server is stopping.
  virtual bool Write(std::string_view chunk) = 0;
  virtual bool Open() const = 0;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the body is streamed by this function on the worker thread
  // (content_type should be text/event-stream); the response ends when it
  // returns.
  std::function<void(StreamWriter&)> stream;
  // When set, the body is this file (content_type applies). A single Range is
  // honoured under /images/ and /thumbs/ only (see docs/http.md).
  std::string file;
};

using Handler = std::function<Response(const Request&)>;

// The HTTP status for a Status code (InvalidArgument→400, ...).
int HttpStatusOf(Code code);

// 200-style JSON response from a serialized document.
Response JsonResponse(int status, const nlohmann::json& body);

// {"error": {"code": reason, "message": message}} with the mapped status.
Response ErrorResponse(const Status& status);

// JSON text safe for any input: invalid UTF-8 is replaced, never thrown.
std::string DumpJson(const nlohmann::json& value);

}  // namespace aigen::http
