#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/message.h"
#include "http/static_assets.h"
#include "ratelimit/limiter.h"
#include "util/status.h"

namespace httplib {
struct Response;
}

namespace aigen::http {

class Listener;

struct ServerOptions {
  int threads_per_listener = 64;  // one per open connection (keep-alive, SSE)
  int max_streams = 32;  // concurrent event streams per listener; beyond: 503
  size_t max_body_bytes = 64 * 1024;
  std::chrono::seconds read_timeout{10};
  std::chrono::seconds write_timeout{10};
  std::chrono::seconds keep_alive_timeout{5};
  int keep_alive_max = 1000;
  int max_connections_per_ip = 32;
  int ipv6_prefix = 56;  // client grouping for rate limits
};

// How a route's requests are treated before and after the handler.
struct RouteOptions {
  ratelimit::Limiter* limiter = nullptr;  // counts every request; 429 beyond
  bool json_body = false;  // require Content-Type: application/json
  // The error body for 429: {"error": {...}} normally, {"error": "text"} for
  // the original project's route.
  bool seed_error_shape = false;
};

// The HTTP front: listeners, worker pools, the guards around cpp-httplib's
// unsafe defaults (see docs/http.md), routes and static assets. Routes are
// added before Start(); after that it is thread-safe.
class HttpServer {
 public:
  HttpServer(ServerOptions options, StaticAssets assets);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void Get(const std::string& pattern, Handler handler,
           RouteOptions options = {});
  void Post(const std::string& pattern, Handler handler,
            RouteOptions options = {});
  void Delete(const std::string& pattern, Handler handler,
              RouteOptions options = {});

  // Binds every "host:port" address (host may be "::", port 0 = any) and
  // starts serving each on its own thread. Logs "listening on URL" per
  // listener. Unavailable when an address cannot be bound.
  Status Start(const std::vector<std::pair<std::string, int>>& addresses);

  std::vector<std::string> urls() const;

  // Ends open streams, stops listening, joins threads. Idempotent.
  void Stop();

 private:
  struct Route;
  void Install(Listener& listener);
  void InstallGuards(Listener& listener);
  void Send(Response out, std::vector<std::pair<ssize_t, ssize_t>>& ranges,
            httplib::Response& res);

  ServerOptions options_;
  StaticAssets assets_;
  std::vector<std::unique_ptr<Route>> routes_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::vector<std::thread> threads_;
  std::vector<std::string> urls_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> streams_{0};
  std::atomic<uint64_t> request_ids_{0};
};

}  // namespace aigen::http
