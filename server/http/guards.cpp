#include "http/guards.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string_view>

#include "http/listener.h"
#include "http/message.h"

namespace aigen::http {
namespace {

bool IsBodyMethod(const std::string& m) {
  return m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE";
}

// Checks a single Range against the file size and clamps its end. False when
// unsatisfiable.
bool NormalizeRange(httplib::Ranges& ranges, ssize_t size) {
  if (ranges.empty()) return true;
  auto& [first, last] = ranges.front();
  if (first == -1) {  // suffix: the last `last` bytes
    if (last <= 0 || size <= 0) return false;
    first = std::max<ssize_t>(0, size - last);
    last = size - 1;
    return true;
  }
  if (first >= size || (last != -1 && last < first)) return false;
  if (last == -1 || last >= size) last = size - 1;
  return true;
}

bool AcceptsGzip(const httplib::Request& req) {
  // A q=0 refusal is too rare to parse for; browsers send "gzip, deflate, br".
  return req.get_header_value("Accept-Encoding").find("gzip") !=
         std::string::npos;
}

}  // namespace

void SocketOptions(int fd) {
  int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
}

void SetJsonError(httplib::Response& res, const Status& status) {
  Response r = ErrorResponse(status);
  res.status = r.status;
  res.set_content(r.body, r.content_type);
}

bool RefuseBody(const httplib::Request& req, httplib::Response& res,
                size_t max_body) {
  if (!IsBodyMethod(req.method)) return false;
  if (req.has_header("Transfer-Encoding")) {
    SetJsonError(res, Status(Code::kInvalidArgument,
                             "chunked request bodies are not accepted; send "
                             "a Content-Length",
                             "length_required"));
    res.status = 411;  // Length Required: no Code of its own
  } else if (req.has_header("Content-Encoding") &&
             req.get_header_value("Content-Encoding") != "identity") {
    SetJsonError(res, Status(Code::kUnsupportedMedia,
                             "compressed request bodies are not accepted",
                             "unsupported_content_encoding"));
  } else if (req.get_header_value<uint64_t>("Content-Length") > max_body) {
    SetJsonError(res,
                 Status::PayloadTooLarge(
                     "request body over " + std::to_string(max_body) + " bytes",
                     "body_too_large"));
  } else {
    return false;
  }
  res.set_header("Connection", "close");
  CloseConnectionAfterResponse();
  return true;
}

bool IsStaticRequest(const httplib::Request& req) {
  if (req.method != "GET" && req.method != "HEAD") return false;
  for (std::string_view prefix :
       {"/api/", "/images/", "/thumbs/", "/openai/"}) {
    if (req.path.starts_with(prefix)) return false;
  }
  return req.path != "/healthz";
}

void ServeFile(const std::string& path, const std::string& type,
               httplib::Ranges& ranges, httplib::Response& res) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0) {
    if (fd >= 0) ::close(fd);
    SetJsonError(res,
                 Status::NotFound("the image file is missing", "file_missing"));
    return;
  }
  res.set_header("Accept-Ranges", "bytes");
  if (!NormalizeRange(ranges, st.st_size)) {
    ::close(fd);
    res.set_header("Content-Range", "bytes */" + std::to_string(st.st_size));
    SetJsonError(res, Status(Code::kInvalidArgument, "range not satisfiable",
                             "bad_range"));
    res.status = 416;
    return;
  }
  if (!ranges.empty()) res.status = 206;
  res.set_content_provider(
      static_cast<size_t>(st.st_size), type,
      [fd](size_t offset, size_t length, httplib::DataSink& sink) {
        char buf[64 * 1024];
        size_t n = std::min(length, sizeof buf);
        ssize_t got = ::pread(fd, buf, n, static_cast<off_t>(offset));
        return got > 0 && sink.write(buf, static_cast<size_t>(got));
      },
      [fd](bool) { ::close(fd); });
}

void ServeStaticAsset(const StaticAssets& assets, const httplib::Request& req,
                      httplib::Response& res) {
  auto asset = assets.Find(req.path);
  if (!asset) {
    SetJsonError(res,
                 Status::NotFound("no such page: " + req.path, "not_found"));
    return;
  }
  res.set_header("ETag", asset->etag);
  res.set_header("Cache-Control", "no-cache");
  if (!asset->gzip.empty()) res.set_header("Vary", "Accept-Encoding");
  if (req.get_header_value("If-None-Match") == asset->etag) {
    res.status = 304;
    return;
  }
  res.status = 200;
  std::string_view body = asset->body;
  if (!asset->gzip.empty() && AcceptsGzip(req)) {
    body = asset->gzip;
    res.set_header("Content-Encoding", "gzip");
  }
  // A provider with a known length: the library neither copies the body nor
  // compresses it again (it would use brotli at quality 11 per request).
  res.set_content_provider(
      body.size(), asset->content_type,
      [body, owner = asset->owner](size_t offset, size_t length,
                                   httplib::DataSink& sink) {
        return sink.write(body.data() + offset, length);
      });
}

bool ApplyRateLimit(ratelimit::Limiter& limiter, bool seed_error_shape,
                    const std::string& client_key, httplib::Response& res) {
  auto decision = limiter.Hit(client_key);
  res.set_header("RateLimit-Policy", limiter.PolicyHeader());
  res.set_header("RateLimit", ratelimit::Limiter::RateLimitHeader(decision));
  if (decision.allowed) return true;
  res.set_header("Retry-After",
                 std::to_string(std::max(1, decision.reset_seconds)));
  // The original project's words, with the real wait.
  const std::string message =
      "Too many requests created from this IP, please try again after " +
      std::to_string((decision.reset_seconds + 59) / 60) + " minutes";
  if (seed_error_shape) {
    res.set_content(DumpJson({{"error", message}}),
                    "application/json; charset=utf-8");
  } else {
    SetJsonError(res, Status::RateLimited(message, "rate_limited"));
  }
  res.status = 429;
  return false;
}

}  // namespace aigen::http
