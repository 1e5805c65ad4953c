#include "support/loopback_server.h"

#include <chrono>

namespace aigen::testing {

LoopbackServer::LoopbackServer() {
  // A lingering keep-alive connection would slow Stop() down.
  server_.set_keep_alive_timeout(1);
}

LoopbackServer::~LoopbackServer() { Stop(); }

void LoopbackServer::Start() {
  port_ = server_.bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // httplib 0.11 has no wait_until_ready(): poll is_running(), bounded.
  for (int i = 0; i < 5000 && !server_.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void LoopbackServer::Stop() {
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace aigen::testing
