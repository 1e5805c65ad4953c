#include "http/server.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "http/client_ip.h"
#include "http/guards.h"
#include "http/listener.h"
#include "util/log.h"

namespace aigen::http {

struct HttpServer::Route {
  std::string method;
  std::string pattern;
  Handler handler;
  RouteOptions options;
};

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

namespace {

// Adapts httplib's DataSink to our writer for event streams.
class SinkWriter final : public StreamWriter {
 public:
  SinkWriter(httplib::DataSink& sink, const std::atomic<bool>& stopping)
      : sink_(sink), stopping_(stopping) {}
  // Asking is_writable() after the write also flushes the connection's
  // gathered bytes (listener.cpp): each event leaves at once.
  bool Write(std::string_view chunk) override {
    return Open() && sink_.write(chunk.data(), chunk.size()) &&
           sink_.is_writable();
  }
  bool Open() const override { return !stopping_ && sink_.is_writable(); }

 private:
  httplib::DataSink& sink_;
  const std::atomic<bool>& stopping_;
};

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
      if (opt.limiter &&
          !ApplyRateLimit(
              *opt.limiter, opt.seed_error_shape,
              ratelimit::ClientKey(req.client_ip(), options_.ipv6_prefix),
              res)) {
        return;
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
      // The library hands handlers a const request it owns and does not
      // share; ranges are ours to normalize.
      Send(route->handler(req), const_cast<httplib::Request&>(raw).ranges, res);
    };
    if (route->method == "GET")
      listener.Get(route->pattern, adapter);
    else if (route->method == "POST")
      listener.Post(route->pattern, adapter);
    else
      listener.Delete(route->pattern, adapter);
  }
}

void HttpServer::Send(Response out, httplib::Ranges& ranges,
                      httplib::Response& res) {
  res.status = out.status;
  for (auto& [k, v] : out.headers) res.set_header(k, v);
  if (!out.file.empty()) {
    ServeFile(out.file, out.content_type, ranges, res);
    return;
  }
  if (!out.stream) {
    res.set_content(out.body, out.content_type);
    return;
  }
  if (streams_.fetch_add(1) >= options_.max_streams) {
    streams_.fetch_sub(1);
    res.set_header("Retry-After", "5");
    SetJsonError(
        res, Status::Unavailable("too many open event streams; poll instead",
                                 "too_many_streams"));
    return;
  }
  res.set_header("Cache-Control", "no-store");
  res.set_chunked_content_provider(
      out.content_type,
      [this, stream = std::move(out.stream)](size_t, httplib::DataSink& sink) {
        SinkWriter writer(sink, stopping_);
        stream(writer);
        sink.done();
        return true;
      },
      [this](bool) { streams_.fetch_sub(1); });
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
          ServeStaticAsset(assets_, req, res);
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
        options_.keep_alive_max, options_.max_body_bytes + 64 * 1024,
        options_.max_connections_per_ip});
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
