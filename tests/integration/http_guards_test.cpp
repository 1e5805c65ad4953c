// The guards around cpp-httplib's unsafe defaults, checked over real sockets.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "integration/test_app.h"
#include "support/fake_a1111.h"
#include "support/temp_dir.h"

using aigen::testing::ParseJson;
using aigen::testing::TestApp;
using nlohmann::json;

namespace {

int PortOf(const std::string& url) {
  return std::stoi(url.substr(url.rfind(':') + 1));
}

// A TCP connection to 127.0.0.1:port; the caller closes it.
int ConnectLoopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

// Sends raw bytes and returns everything the server answers until it closes
// the connection, which it must do within 5 s.
std::string RawExchange(int port, const std::string& request) {
  int fd = ConnectLoopback(port);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  REQUIRE(send(fd, request.data(), request.size(), 0) ==
          static_cast<ssize_t>(request.size()));
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof buf, 0)) > 0)
    out.append(buf, static_cast<size_t>(n));
  close(fd);
  CHECK(n == 0);  // the server closed the connection; no 5 s timeout
  return out;
}

}  // namespace

TEST_CASE("request bodies the library would read without limit are refused",
          "[http]") {
  TestApp app;
  int port = PortOf(app.url());
  SECTION("chunked") {
    std::string answer =
        RawExchange(port,
                    "POST /api/generations HTTP/1.1\r\nHost: "
                    "x\r\nContent-Type: application/json\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n");
    CHECK(answer.starts_with("HTTP/1.1 411"));
    CHECK(answer.find("Content-Length") != std::string::npos);
    CHECK(answer.find("Connection: close") != std::string::npos);
  }
  SECTION("compressed") {
    std::string answer =
        RawExchange(port,
                    "POST /api/generations HTTP/1.1\r\nHost: "
                    "x\r\nContent-Type: application/json\r\n"
                    "Content-Encoding: gzip\r\nContent-Length: 4\r\n\r\nabcd");
    CHECK(answer.starts_with("HTTP/1.1 415"));
  }
  SECTION("over the size limit, refused before it is read") {
    std::string answer = RawExchange(port,
                                     "POST /api/generations HTTP/1.1\r\nHost: "
                                     "x\r\nContent-Type: application/json\r\n"
                                     "Content-Length: 100000000\r\n\r\n{");
    CHECK(answer.starts_with("HTTP/1.1 413"));
    CHECK(answer.find("body_too_large") != std::string::npos);
  }
  CHECK(app.Count("SELECT COUNT(*) FROM generations") == 0);
}

TEST_CASE("errors never leak internals and are JSON", "[http]") {
  TestApp app;
  auto res = app.Client().Get("/api/nothing-here");
  REQUIRE(res);
  CHECK(res->status == 404);
  CHECK(ParseJson(res->body)["error"]["code"] == "not_found");
  CHECK_FALSE(res->has_header("EXCEPTION_WHAT"));
  auto page = app.Client().Get("/no-such-page.html");
  CHECK(page->status == 404);
}

TEST_CASE("ranges apply to image files only", "[http]") {
  TestApp app;
  httplib::Headers range = {{"Range", "bytes=0-3"}};
  auto health = app.Client().Get("/healthz", range);
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(ParseJson(health->body)["status"] == "ok");

  json job = app.Generate({{"prompt", "a cat"}, {"size", "small"}});
  std::string url = job["images"][0]["url"];
  auto full = app.Client().Get(url);
  auto part = app.Client().Get(url, range);
  REQUIRE(part);
  CHECK(part->status == 206);
  CHECK(part->body == full->body.substr(0, 4));
  auto tail = app.Client().Get(url, {{"Range", "bytes=-10"}});
  CHECK(tail->status == 206);
  CHECK(tail->body == full->body.substr(full->body.size() - 10));
  auto beyond = app.Client().Get(url, {{"Range", "bytes=99999999-"}});
  CHECK(beyond->status == 416);
  auto many = app.Client().Get(url, {{"Range", "bytes=0-1,2-3,4-5"}});
  CHECK(many->status == 200);
  CHECK(many->body == full->body);
  auto cached = app.Client().Get(
      url, {{"If-None-Match", full->get_header_value("ETag")}});
  CHECK(cached->status == 304);
}

TEST_CASE("JSON responses are never compressed on the request path", "[http]") {
  TestApp app;
  auto res =
      app.Client().Get("/api/backends", {{"Accept-Encoding", "br, gzip"}});
  REQUIRE(res);
  CHECK_FALSE(res->has_header("Content-Encoding"));
  CHECK(res->get_header_value("Content-Type") ==
        "application/json; charset=utf-8");
}

TEST_CASE("a second server cannot share the port", "[http]") {
  TestApp app;
  int port = PortOf(app.url());
  auto second = aigen::App::Create([&] {
    aigen::config::Config c;
    c.listen = {"127.0.0.1:" + std::to_string(port)};
    c.data_dir = app.data_dir().parent_path() / "second";
    c.generation.anonymous = true;
    aigen::config::BackendConfig demo;
    demo.name = demo.type = "demo";
    c.backends.push_back(demo);
    return c;
  }());
  REQUIRE(second.ok());
  aigen::Status s = (*second)->Start();
  CHECK_FALSE(s.ok());
  CHECK(s.message().find(std::to_string(port)) != std::string::npos);
}

TEST_CASE("static assets carry ETags and a gzip copy", "[http]") {
  TestApp app;
  auto plain = app.Client().Get("/");
  REQUIRE(plain);
  if (plain->status == 404) {
    WARN("web/static is empty in this build");
    return;
  }
  CHECK(plain->status == 200);
  CHECK(plain->get_header_value("Content-Type") == "text/html; charset=utf-8");
  std::string etag = plain->get_header_value("ETag");
  CHECK(etag.size() > 2);
  auto again = app.Client().Get("/", {{"If-None-Match", etag}});
  CHECK(again->status == 304);
  CHECK(again->body.empty());
  // httplib's client inflates gzip bodies itself: the text must match.
  auto client = app.Client();
  client.set_decompress(true);
  auto gz = client.Get("/", {{"Accept-Encoding", "gzip, br"}});
  CHECK(gz->get_header_value("Content-Encoding") == "gzip");
  CHECK(gz->body == plain->body);
  CHECK(plain->get_header_value("Content-Security-Policy")
            .find("default-src 'self'") != std::string::npos);
}

TEST_CASE("a client trickling its request is cut off at the request deadline",
          "[http]") {
  TestApp app([](aigen::config::Config& c) {
    c.http.read_timeout = std::chrono::seconds(2);
  });
  int fd = ConnectLoopback(PortOf(app.url()));
  // One header byte every 300 ms: each read succeeds, but the whole head
  // never arrives within the 2 s allowed for a request.
  const std::string head =
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(100, 'a');
  auto start = std::chrono::steady_clock::now();
  bool closed = false;
  for (char c : head) {
    if (send(fd, &c, 1, MSG_NOSIGNAL) != 1) {
      closed = true;
      break;
    }
    pollfd p{fd, POLLIN, 300};
    if (poll(&p, 1, 300) > 0) {  // the server closed, or refused the head first
      char buf[256];
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      closed =
          n <= 0 ||
          std::string(buf, static_cast<size_t>(n)).starts_with("HTTP/1.1 400");
      break;
    }
  }
  close(fd);
  CHECK(closed);  // without the deadline, the 108 bytes would take 32 s
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::seconds(2));
  // Others were served meanwhile and still are.
  CHECK(app.Client().Get("/healthz")->status == 200);
}

TEST_CASE("an endless header line is cut off, not buffered", "[http]") {
  TestApp app;
  int fd = ConnectLoopback(PortOf(app.url()));
  timeval tv{10, 0};  // a regression fails the test instead of hanging it
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  std::string head = "GET /healthz HTTP/1.1\r\nX-Big: ";
  REQUIRE(send(fd, head.data(), head.size(), MSG_NOSIGNAL) > 0);
  // 64 MiB of one header line: the server must stop reading long before.
  const std::string chunk(64 * 1024, 'a');
  size_t sent = 0;
  while (sent < (64u << 20)) {
    ssize_t n = send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  close(fd);
  CHECK(sent < (64u << 20));
  CHECK(app.Client().Get("/healthz")->status == 200);
}

TEST_CASE("--dev-static serves files from disk, fresh each time, inside only",
          "[http]") {
  aigen::testing::TempDir web;
  std::filesystem::create_directories(web.path() / "site");
  std::ofstream(web.path() / "site/index.html") << "<h1>one</h1>";
  std::ofstream(web.path() / "secret.txt") << "private";
  TestApp app([&](aigen::config::Config& c) {
    c.dev_static_dir = (web.path() / "site").string();
  });
  auto first = app.Client().Get("/");
  REQUIRE(first);
  CHECK(first->body == "<h1>one</h1>");
  CHECK(first->get_header_value("Content-Type") == "text/html; charset=utf-8");
  std::ofstream(web.path() / "site/index.html") << "<h1>two</h1>";
  auto second = app.Client().Get("/index.html");
  CHECK(second->body == "<h1>two</h1>");
  CHECK(second->get_header_value("ETag") != first->get_header_value("ETag"));
  for (const char* path :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/nope.js"}) {
    auto res = app.Client().Get(path);
    REQUIRE(res);
    INFO(path);
    CHECK(res->status == 404);
    CHECK(res->body.find("private") == std::string::npos);
  }
}

TEST_CASE(
    "one address cannot hold every worker: connections over the cap get 503",
    "[http]") {
  TestApp app(
      [](aigen::config::Config& c) { c.http.max_connections_per_ip = 2; });
  const int port = PortOf(app.url());
  int first = ConnectLoopback(port);  // idle: each holds a worker
  int second = ConnectLoopback(port);
  // The server counts a connection when a worker takes it; one request on
  // each makes sure both are counted before the third arrives.
  for (int fd : {first, second}) {
    const std::string get = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    REQUIRE(send(fd, get.data(), get.size(), MSG_NOSIGNAL) > 0);
    char buf[1024];
    REQUIRE(recv(fd, buf, sizeof buf, 0) > 0);
  }
  std::string refused =
      RawExchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(refused.starts_with("HTTP/1.1 503"));
  CHECK(refused.find("too_many_connections") != std::string::npos);
  close(first);
  close(second);
  // Once the server has seen them close, the address is welcome again.
  bool served = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!served && std::chrono::steady_clock::now() < deadline) {
    served =
        RawExchange(
            port,
            "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .starts_with("HTTP/1.1 200");
  }
  CHECK(served);
}

TEST_CASE("event streams beyond their share of workers get 503; polling works",
          "[http]") {
  aigen::testing::FakeA1111 fake;
  fake.SetGenerationTime(std::chrono::seconds(30));
  TestApp app([&](aigen::config::Config& c) {
    c.http.threads = 4;  // streams may take half: 2
    aigen::config::BackendConfig sd;
    sd.name = "sd";
    sd.type = "automatic1111";
    sd.url = fake.url();
    c.backends.push_back(sd);
  });
  auto res = app.Post({{"prompt", "a cat"}, {"size", "512x512"}});
  std::string id = ParseJson(res->body)["id"];
  const std::string get =
      "GET /api/generations/" + id + "/events HTTP/1.1\r\nHost: x\r\n\r\n";
  std::vector<int> streams;
  for (int i = 0; i < 2; ++i) {
    int fd = ConnectLoopback(PortOf(app.url()));
    REQUIRE(send(fd, get.data(), get.size(), MSG_NOSIGNAL) > 0);
    char buf[4096];
    ssize_t n = recv(fd, buf, sizeof buf, 0);  // headers and the first event
    REQUIRE(n > 0);
    CHECK(std::string(buf, static_cast<size_t>(n)).starts_with("HTTP/1.1 200"));
    streams.push_back(fd);
  }
  auto third = app.Client().Get("/api/generations/" + id + "/events");
  REQUIRE(third);
  CHECK(third->status == 503);
  CHECK(third->get_header_value("Retry-After") == "5");
  CHECK(ParseJson(third->body)["error"]["code"] == "too_many_streams");
  auto polled = app.Client().Get("/api/generations/" + id);
  CHECK(polled->status == 200);
  for (int fd : streams) close(fd);
}
