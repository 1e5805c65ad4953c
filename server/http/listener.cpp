#include "http/listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace aigen::http {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Set by CloseConnectionAfterResponse() during a request; read and cleared by
// Listener::Serve on the same thread once the response is out.
thread_local bool close_after_response = false;

// Sent, before closing, to a connection over its address's cap.
const std::string& TooManyConnections() {
  static const std::string response = [] {
    const std::string body =
        R"({"error":{"code":"too_many_connections",)"
        R"("message":"too many open connections from this address"}})";
    return "HTTP/1.1 503 Service Unavailable\r\n"
           "Content-Type: application/json; charset=utf-8\r\n"
           "Retry-After: 5\r\nConnection: close\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  return response;
}

std::pair<std::string, int> AddressOf(const sockaddr_storage& addr) {
  char host[INET6_ADDRSTRLEN] = "";
  int port = 0;
  if (addr.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(addr);
    inet_ntop(AF_INET, &v4.sin_addr, host, sizeof host);
    port = ntohs(v4.sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(addr);
    inet_ntop(AF_INET6, &v6.sin6_addr, host, sizeof host);
    port = ntohs(v6.sin6_port);
  }
  return {host, port};
}

}  // namespace

// One accepted socket as httplib's Stream. Reads are buffered (the library's
// line reader asks for one byte at a time) and fail once the current
// request's deadline has passed; the socket's SO_RCVTIMEO/SO_SNDTIMEO (set by
// the library on accept) bound each call. Not thread-safe.
class SocketConnection final : public httplib::Stream {
 public:
  explicit SocketConnection(int fd) : fd_(fd) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
      remote_ = AddressOf(addr);
    len = sizeof addr;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
      local_ = AddressOf(addr);
  }

  void StartRequest(SteadyClock::time_point deadline, size_t max_bytes) {
    deadline_ = deadline;
    budget_ = max_bytes;
  }

  // Waits up to `idle` for the next request's first bytes, in slices so a
  // stopping server is noticed. False on timeout, error or stop.
  template <typename StopFn>
  bool WaitForRequest(std::chrono::seconds idle, StopFn stopping) {
    if (pos_ < len_) return true;  // pipelined
    auto until = SteadyClock::now() + idle;
    while (!stopping()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - SteadyClock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      int rc = poll(&p, 1, static_cast<int>(std::min<long>(left.count(), 500)));
      if (rc > 0) return (p.revents & POLLIN) != 0;
      if (rc < 0 && errno != EINTR) return false;
    }
    return false;
  }

  bool is_readable() const override {
    if (pos_ < len_) return true;
    pollfd p{fd_, POLLIN, 0};
    return poll(&p, 1, 0) > 0;
  }
  // Also flushes: httplib asks before each piece of a streamed body, and our
  // event-stream writer asks after each event (server.cpp).
  bool is_writable() const override {
    const_cast<SocketConnection*>(this)->Flush();
    return !broken_;
  }

  // Sends what write() has gathered. Responses go out in one send instead of
  // one for the head and one for the body.
  void Flush() {
    if (!pending_.empty()) SendAll(pending_.data(), pending_.size());
    pending_.clear();
  }

  ssize_t read(char* out, size_t size) override {
    if (size == 0) return 0;
    if (pos_ == len_) {
      Flush();  // never wait for the client with our answer unsent
      if (SteadyClock::now() > deadline_) return -1;  // trickled too slowly
      ssize_t n;
      do {
        n = recv(fd_, buffer_, sizeof buffer_, 0);
      } while (n < 0 && errno == EINTR);
      if (n <= 0) return n < 0 ? -1 : 0;
      pos_ = 0;
      len_ = static_cast<size_t>(n);
    }
    size_t n = std::min({size, len_ - pos_, budget_});
    if (n == 0) return -1;  // over the request's byte budget
    std::memcpy(out, buffer_ + pos_, n);
    pos_ += n;
    budget_ -= n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* data, size_t size) override {
    if (pending_.size() + size <= kGatherBytes) {
      pending_.append(data, size);
      return broken_ ? -1 : static_cast<ssize_t>(size);
    }
    Flush();
    SendAll(data, size);
    return broken_ ? -1 : static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = remote_.first;
    port = remote_.second;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = local_.first;
    port = local_.second;
  }
  socket_t socket() const override { return fd_; }
  const std::string& remote_ip() const { return remote_.first; }

 private:
  static constexpr size_t kGatherBytes = 16 * 1024;

  void SendAll(const char* data, size_t size) {
    size_t done = 0;
    while (done < size && !broken_) {
      ssize_t n = send(fd_, data + done, size - done, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        broken_ = true;
      else
        done += static_cast<size_t>(n);
    }
  }

  int fd_;
  std::pair<std::string, int> remote_, local_;
  SteadyClock::time_point deadline_ = SteadyClock::time_point::max();
  size_t budget_ = 0;
  char buffer_[4096];
  size_t pos_ = 0, len_ = 0;
  bool broken_ = false;
  std::string pending_;  // gathered by write(), sent by Flush()
};

Result<int> Listener::Bind(const std::string& host, int port) {
  int bound = port == 0 ? bind_to_any_port(host)
                        : (bind_to_port(host, port) ? port : -1);
  if (bound < 0) {
    return Status::Unavailable("cannot listen on " + host + ":" +
                               std::to_string(port) +
                               " (address in use or not available)");
  }
  // Linux updates the backlog of a listening socket when listen() is called
  // again.
  ::listen(svr_sock_, 1024);
  return bound;
}

bool Listener::Admit(const std::string& ip) {
  std::lock_guard lock(mutex_);
  int& open = open_per_ip_[ip];
  if (open >= limits_.max_per_ip) return false;
  ++open;
  return true;
}

void Listener::Release(const std::string& ip) {
  std::lock_guard lock(mutex_);
  auto it = open_per_ip_.find(ip);
  if (it != open_per_ip_.end() && --it->second <= 0) open_per_ip_.erase(it);
}

void CloseConnectionAfterResponse() { close_after_response = true; }

void Listener::Serve(SocketConnection& conn) {
  for (int served = 0; served < limits_.keep_alive_max; ++served) {
    if (served > 0 && !conn.WaitForRequest(limits_.keep_alive_timeout,
                                           [this] { return Stopping(); })) {
      return;
    }
    conn.StartRequest(SteadyClock::now() + limits_.request_timeout,
                      limits_.max_request_bytes);
    bool last = served + 1 == limits_.keep_alive_max || Stopping();
    bool closed = false;
    close_after_response = false;
    bool ok = process_request(conn, last, closed, nullptr);
    conn.Flush();
    if (!ok || closed || close_after_response) return;
  }
}

bool Listener::process_and_close_socket(socket_t sock) {
  {
    SocketConnection conn(sock);
    const std::string ip = conn.remote_ip();
    if (Admit(ip)) {
      Serve(conn);
      Release(ip);
    } else {
      conn.write(TooManyConnections().data(), TooManyConnections().size());
      conn.Flush();
    }
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return true;
}

}  // namespace aigen::http
