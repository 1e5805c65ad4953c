#pragma once

#include <httplib.h>

#include <thread>

namespace aigen::testing {

// An httplib::Server on 127.0.0.1 with an ephemeral port, served on a thread
// of its own: the base of the fake backends. Add routes through server(),
// then Start(). Stopped (and joined) by Stop() or the destructor.
class LoopbackServer {
 public:
  LoopbackServer();
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  httplib::Server& server() { return server_; }

  // Binds, starts serving and returns once the server accepts connections.
  void Start();
  // Idempotent.
  void Stop();

  int port() const { return port_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace aigen::testing
