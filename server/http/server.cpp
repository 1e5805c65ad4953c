#include "http/server.h"

#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "http/client_ip.h"
#include "http/listener.h"
#include "util/log.h"

namespace aigen::http {

struct HttpServer::Route {
  std::string method;
  std::string pattern;
  Handler handler;
  RouteOptions options;
};

namespace {

// SO_REUSEADDR only: the library's default adds SO_REUSEPORT, which lets a
// second aigen silently share (and steal half of) the port.
void SocketOptions(int fd) {
  int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
}

bool IsBodyMethod(const std::string& m) {
  return m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE";
}

void SetJsonError(httplib::Response& res, const Status& status) {
  Response r = ErrorResponse(status);
  res.status = r.status;
  res.set_content(r.body, r.content_type);
}

// Refuses, before the body is read, what the library would read without limit:
// chunked or compressed bodies and oversize lengths. The connection is closed
// because the unread body would otherwise be parsed as the next request.
bool RefuseBody(const httplib::Request& req, httplib::Response& res,
                size_t max_body) {
  if (!IsBodyMethod(req.method)) return false;
  Status refusal;
  if (req.has_header("Transfer-Encoding")) {
    refusal =
        Status(Code::kPayloadTooLarge,
               "chunked request bodies are not accepted; send a Content-Length",
               "length_required");
  } else if (req.has_header("Content-Encoding") &&
             req.get_header_value("Content-Encoding") != "identity") {
    refusal = Status(Code::kUnsupportedMedia,
                     "compressed request bodies are not accepted",
                     "unsupported_content_encoding");
  } else if (req.get_header_value<uint64_t>("Content-Length") > max_body) {
    refusal = Status::PayloadTooLarge(
        "request body over " + std::to_string(max_body) + " bytes",
        "body_too_large");
  } else {
    return false;
  }
  SetJsonError(res, refusal);
  if (refusal.reason() == "length_required") res.status = 411;
  res.set_header("Connection", "close");
  return true;
}

}  // namespace

HttpServer::HttpServer(ServerOptions options, StaticAssets assets)
    : options_(options), assets_(std::move(assets)) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Get(const std::string& pattern, Handler handler,
                     RouteOptions options) {
  routes_.push_back(std::make_unique<Route>(
      Route{"GET", pattern, std::move(handler), options}));
}
void HttpServer::Post(const std::string& pattern, Handler handler,
                      RouteOptions options) {
  routes_.push_back(std::make_unique<Route>(
      Route{"POST", pattern, std::move(handler), options}));
}
void HttpServer::Delete(const std::string& pattern, Handler handler,
                        RouteOptions options) {
  routes_.push_back(std::make_unique<Route>(
      Route{"DELETE", pattern, std::move(handler), options}));
}

std::vector<std::string> HttpServer::urls() const { return urls_; }

void HttpServer::Stop() {
  if (stopping_.exchange(true)) return;
  for (auto& l : listeners_) l->stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

}  // namespace aigen::http

namespace aigen::http {
namespace {

// Streams a file from disk in pieces; the library applies a single Range to
// it (ranges are cleared before routing on every other route).
// Checks a single Range against the file size, clamping its end (the library
// trusts both ends and would read past the file). False when unsatisfiable.
bool NormalizeRange(httplib::Ranges& ranges, ssize_t size) {
  if (ranges.empty()) return true;
  auto& [first, last] = ranges.front();
  if (first == -1) {  // suffix: the last `last` bytes
    if (last <= 0) return false;
    first = std::max<ssize_t>(0, size - last);
    last = size - 1;
    return size > 0;
  }
  if (first >= size || (last != -1 && last < first)) return false;
  if (last == -1 || last >= size) last = size - 1;
  return true;
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
    res.status = 416;
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

// Everything but the API, image files and health is the frontend.
bool IsStaticRequest(const httplib::Request& req) {
  if (req.method != "GET" && req.method != "HEAD") return false;
  for (std::string_view prefix :
       {"/api/", "/images/", "/thumbs/", "/openai/"}) {
    if (req.path.starts_with(prefix)) return false;
  }
  return req.path != "/healthz";
}

bool AcceptsGzip(const httplib::Request& req) {
  // A q=0 refusal is too rare to parse for; browsers send "gzip, deflate, br".
  return req.get_header_value("Accept-Encoding").find("gzip") !=
         std::string::npos;
}

// Adapts httplib's DataSink to our writer for event streams.
class SinkWriter final : public StreamWriter {
 public:
  SinkWriter(httplib::DataSink& sink, const std::atomic<bool>& stopping)
      : sink_(sink), stopping_(stopping) {}
  bool Write(std::string_view chunk) override {
    return Open() && sink_.write(chunk.data(), chunk.size());
  }
  bool Open() const override { return !stopping_ && sink_.is_writable(); }

 private:
  httplib::DataSink& sink_;
  const std::atomic<bool>& stopping_;
};

std::string RetryAfter(int seconds) {
  return std::to_string(std::max(1, seconds));
}

}  // namespace

// Turns one of our routes into an httplib handler: rate limit, content type,
// the handler itself, then our Response into theirs.
void HttpServer::Install(Listener& listener) {
  for (const auto& route_ptr : routes_) {
    const Route* route = route_ptr.get();
    auto adapter = [this, route](const httplib::Request& raw,
                                 httplib::Response& res) {
      Request req(raw, UnmapIPv4(raw.remote_addr));
      const RouteOptions& opt = route->options;
      if (opt.limiter) {
        auto decision = opt.limiter->Hit(
            ratelimit::ClientKey(req.client_ip(), options_.ipv6_prefix));
        res.set_header("RateLimit-Policy", opt.limiter->PolicyHeader());
        res.set_header("RateLimit",
                       ratelimit::Limiter::RateLimitHeader(decision));
        if (!decision.allowed) {
          res.set_header("Retry-After", RetryAfter(decision.reset_seconds));
          const std::string message =
              "Too many requests created from this IP, please try again "
              "after " +
              std::to_string((decision.reset_seconds + 59) / 60) + " minutes";
          res.status = 429;
          if (opt.seed_error_shape) {
            res.set_content(DumpJson({{"error", message}}),
                            "application/json; charset=utf-8");
          } else {
            SetJsonError(res, Status::RateLimited(message, "rate_limited"));
          }
          return;
        }
      }
      if (opt.json_body && !raw.get_header_value("Content-Type")
                                .starts_with("application/json")) {
        SetJsonError(
            res,
            Status(Code::kUnsupportedMedia,
                   "send the request body as Content-Type: application/json",
                   "unsupported_media_type"));
        return;
      }
      Response out = route->handler(req);
      res.status = out.status;
      for (auto& [k, v] : out.headers) res.set_header(k, v);
      if (out.stream) {
        if (streams_.fetch_add(1) >= options_.max_streams) {
          streams_.fetch_sub(1);
          res.set_header("Retry-After", "5");
          SetJsonError(res, Status::Unavailable(
                                "too many open event streams; poll instead",
                                "too_many_streams"));
          return;
        }
        res.set_header("Cache-Control", "no-store");
        res.set_chunked_content_provider(
            out.content_type,
            [this, stream = std::move(out.stream)](size_t,
                                                   httplib::DataSink& sink) {
              SinkWriter writer(sink, stopping_);
              stream(writer);
              sink.done();
              return true;
            },
            [this](bool) { streams_.fetch_sub(1); });
      } else if (!out.file.empty()) {
        ServeFile(out.file, out.content_type,
                  const_cast<httplib::Request&>(raw).ranges, res);
      } else {
        res.set_content(out.body, out.content_type);
      }
    };
    if (route->method == "GET")
      listener.Get(route->pattern, adapter);
    else if (route->method == "POST")
      listener.Post(route->pattern, adapter);
    else
      listener.Delete(route->pattern, adapter);
  }
}

}  // namespace aigen::http

namespace aigen::http {

void HttpServer::ServeStatic(const std::string& path,
                             const std::string& if_none_match, bool gzip_ok,
                             void* response) const {
  auto& res = *static_cast<httplib::Response*>(response);
  auto asset = assets_.Find(path);
  if (!asset) {
    SetJsonError(res, Status::NotFound("no such page: " + path, "not_found"));
    return;
  }
  res.set_header("ETag", asset->etag);
  res.set_header("Cache-Control", "no-cache");
  if (!asset->gzip.empty()) res.set_header("Vary", "Accept-Encoding");
  if (if_none_match == asset->etag) {
    res.status = 304;
    return;
  }
  res.status = 200;
  std::string_view body = asset->body;
  if (gzip_ok && !asset->gzip.empty()) {
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

void HttpServer::InstallGuards(Listener& listener) {
  listener.set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response& res) {
        // Ranges are parsed on every request and applied to every 2xx response;
        // keep them for image files only, and only one (many are built in
        // memory).
        auto& mutable_req =
            const_cast<httplib::Request&>(req);  // the object is not const
        bool ranged = req.path.starts_with("/images/") ||
                      req.path.starts_with("/thumbs/");
        if (!ranged || req.ranges.size() > 1) mutable_req.ranges.clear();
        // The frontend's files are answered here, sparing them the route
        // table's regular expressions: the hottest path of all.
        if (IsStaticRequest(req)) {
          ServeStatic(req.path, req.get_header_value("If-None-Match"),
                      AcceptsGzip(req), &res);
          return httplib::Server::HandlerResponse::Handled;
        }
        return RefuseBody(req, res, options_.max_body_bytes)
                   ? httplib::Server::HandlerResponse::Handled
                   : httplib::Server::HandlerResponse::Unhandled;
      });
  listener.set_exception_handler([this](const httplib::Request& req,
                                        httplib::Response& res,
                                        std::exception_ptr ep) {
    std::string id = std::to_string(++request_ids_);
    std::string what = "unknown exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    util::LogError("request " + id + " " + req.method + " " + req.path +
                   " failed: " + what);
    res.headers.erase("EXCEPTION_WHAT");
    SetJsonError(res, Status::Internal("internal error (request " + id + ")"));
  });
  listener.set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty() || res.content_length_ > 0 || res.status == 304) {
          return httplib::Server::HandlerResponse::Unhandled;  // already ours
        }
        Status s = res.status == 404
                       ? Status::NotFound("no route for " + req.method + " " +
                                          req.path)
                       : Status(Code::kInvalidArgument, "malformed request");
        int status = res.status;
        SetJsonError(res, s);
        res.status = status;
        return httplib::Server::HandlerResponse::Handled;
      }));
}

Status HttpServer::Start(
    const std::vector<std::pair<std::string, int>>& addresses) {
  for (const auto& [host, port] : addresses) {
    auto listener = std::make_unique<Listener>(ConnectionLimits{
        options_.read_timeout, options_.keep_alive_timeout,
        options_.keep_alive_max, options_.max_body_bytes + 64 * 1024});
    int threads = options_.threads_per_listener;
    listener->new_task_queue = [threads] {
      return new httplib::ThreadPool(threads);
    };
    listener->set_socket_options(SocketOptions);
    listener->set_tcp_nodelay(true);
    listener->set_payload_max_length(options_.max_body_bytes);
    listener->set_read_timeout(options_.read_timeout);
    listener->set_write_timeout(options_.write_timeout);
    listener->set_default_headers({
        {"X-Content-Type-Options", "nosniff"},
        {"Referrer-Policy", "no-referrer"},
        {"X-Frame-Options", "DENY"},
        {"Content-Security-Policy",
         "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; "
         "base-uri 'none'; "
         "frame-ancestors 'none'; form-action 'self'"},
    });
    Install(*listener);
    InstallGuards(*listener);
    auto bound = listener->Bind(host, port);
    if (!bound.ok()) {
      Stop();
      return bound.status();
    }
    std::string shown =
        host.find(':') != std::string::npos ? "[" + host + "]" : host;
    urls_.push_back("http://" + shown + ":" + std::to_string(*bound));
    util::LogInfo("listening on " + urls_.back());
    if (host == "::" || host == "0.0.0.0") {
      util::LogInfo(
          "open http://localhost:" + std::to_string(*bound) +
          "/ on this machine, or this machine's address from another");
    }
    threads_.emplace_back([l = listener.get()] { l->listen_after_bind(); });
    listeners_.push_back(std::move(listener));
  }
  return Status::Ok();
}

}  // namespace aigen::http
