#pragma once

#include <httplib.h>

#include <chrono>
#include <string>

#include "util/status.h"

namespace aigen::http {

struct ConnectionLimits {
  // A request's head and body must arrive within this, however slowly the
  // bytes trickle (each read also times out after the socket's read timeout).
  std::chrono::seconds request_timeout{10};
  std::chrono::seconds keep_alive_timeout{5};  // idle time between requests
  int keep_alive_max = 1000;                   // requests per connection
  // Bytes one request may make us read, head and body: the library buffers
  // header lines whole and counts neither their length nor their number.
  size_t max_request_bytes = 128 * 1024;
};

// An httplib::Server that owns each connection's life instead of the
// library's loop: its own Stream over the socket (blocking reads and writes
// bounded by the socket timeouts, addresses looked up once per connection,
// one poll per idle wait) and a deadline per request, while httplib still
// parses and routes every request. Also re-listens with a backlog that holds
// bursts of new connections (the library compiles in 5).
class Listener : public httplib::Server {
 public:
  explicit Listener(ConnectionLimits limits) : limits_(limits) {}

  // Binds host:port (port 0: any free port). Returns the bound port, or
  // Unavailable naming the address.
  Result<int> Bind(const std::string& host, int port);

 private:
  bool process_and_close_socket(socket_t sock) override;
  bool Stopping() const { return svr_sock_ == INVALID_SOCKET; }

  ConnectionLimits limits_;
};

}  // namespace aigen::http
