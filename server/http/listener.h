#pragma once

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "util/status.h"

namespace aigen::http {

class SocketConnection;  // listener.cpp

// Called while handling a request (on its worker thread): the connection is
// closed once the response is sent. For refusals that leave the request's
// body unread, which would otherwise be parsed as the next request.
void CloseConnectionAfterResponse();

struct ConnectionLimits {
  // A request's head and body must arrive within this, however slowly the
  // bytes trickle (each read also times out after the socket's read timeout).
  std::chrono::seconds request_timeout{10};
  std::chrono::seconds keep_alive_timeout{5};  // idle time between requests
  int keep_alive_max = 1000;                   // requests per connection
  // Bytes one request may make us read, head and body: the library buffers
  // header lines whole and counts neither their length nor their number.
  size_t max_request_bytes = 128 * 1024;
  // Connections one client address may hold open at once: each holds a
  // worker thread, so without a cap one client could hold them all.
  int max_per_ip = 32;
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
  // Serves requests on one admitted connection until it closes, times out,
  // reaches keep_alive_max or the server stops.
  void Serve(SocketConnection& conn);
  bool Stopping() const { return svr_sock_ == INVALID_SOCKET; }
  // Counts a connection from `ip`; false (and nothing counted) when the
  // address already has max_per_ip open.
  bool Admit(const std::string& ip);
  void Release(const std::string& ip);

  ConnectionLimits limits_;
  std::mutex mutex_;
  std::unordered_map<std::string, int> open_per_ip_;  // guarded by mutex_
};

}  // namespace aigen::http
