#include <httplib.h>

#include <catch2/catch.hpp>
#include <thread>

#include "gen/backend.h"
#include "gen/http_client.h"
#include "support/fake_openai.h"

namespace aigen::gen {
namespace {

using Clock = std::chrono::steady_clock;
using testing::FakeOpenAI;

// A plain local server whose routes a test sets before Start().
class LocalServer {
 public:
  httplib::Server server;

  void Start() {
    port_ = server.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~LocalServer() {
    server.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
  }
  int port() const { return port_; }

 private:
  int port_ = 0;
  std::thread thread_;
};

HttpClient ClientFor(const std::string& url,
                     std::chrono::seconds timeout = std::chrono::seconds(5)) {
  auto base = ParseBaseUrl(url);
  REQUIRE(base.ok());
  return HttpClient(*base, "test", timeout);
}

CallOptions In(std::chrono::milliseconds limit, AbortSignal* signal = nullptr) {
  return CallOptions{Clock::now() + limit, kMaxJsonBytes, signal};
}

HttpRequest Get(std::string path) {
  HttpRequest request;
  request.path = std::move(path);
  return request;
}

HttpRequest Post(std::string path, std::string body) {
  HttpRequest request;
  request.method = "POST";
  request.path = std::move(path);
  request.body = std::move(body);
  return request;
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A port nothing listens on: one a server had a moment ago.
int ClosedPort() {
  LocalServer gone;
  gone.Start();
  return gone.port();
}

}  // namespace

TEST_CASE("ParseBaseUrl splits what a connection needs", "[http_client]") {
  struct Case {
    const char* url;
    const char* scheme;
    const char* host;
    int port;
    const char* prefix;
  };
  const Case cases[] = {
      {"http://127.0.0.1:8080/v1/", "http", "127.0.0.1", 8080, "/v1"},
      {"https://api.openai.com/v1", "https", "api.openai.com", 443, "/v1"},
      {"HTTP://gpu.lan", "http", "gpu.lan", 80, ""},
      {"http://[::1]:7860", "http", "::1", 7860, ""},
      {"http://[fe80::a]/sd/api//", "http", "fe80::a", 80, "/sd/api"},
  };
  for (const Case& c : cases) {
    INFO(c.url);
    auto url = ParseBaseUrl(c.url);
    REQUIRE(url.ok());
    CHECK(url->scheme == c.scheme);
    CHECK(url->host == c.host);
    CHECK(url->port == c.port);
    CHECK(url->path_prefix == c.prefix);
  }
  for (const char* bad :
       {"ftp://host", "host:80", "http://", "http://:80", "http://host:0",
        "http://host:99999", "http://host:8x", "http://user:pw@host",
        "http://host/v1?key=1", "http://host/#x", "http://ho st",
        "http://[::1"}) {
    INFO(bad);
    auto url = ParseBaseUrl(bad);
    REQUIRE_FALSE(url.ok());
    CHECK(url.status().code() == Code::kInvalidArgument);
  }
}

TEST_CASE("HttpClient sends requests and returns any status", "[http_client]") {
  LocalServer local;
  std::string seen_body, seen_type, seen_agent, seen_auth;
  local.server.Post("/base/echo",
                    [&](const httplib::Request& req, httplib::Response& res) {
                      seen_body = req.body;
                      seen_type = req.get_header_value("Content-Type");
                      seen_agent = req.get_header_value("User-Agent");
                      seen_auth = req.get_header_value("Authorization");
                      res.status = 418;
                      res.set_content("{\"ok\":true}", "application/json");
                    });
  local.server.Get("/base/moved",
                   [](const httplib::Request&, httplib::Response& res) {
                     res.set_redirect("http://127.0.0.1:1/elsewhere");
                   });
  local.Start();
  HttpClient client = ClientFor(local.url() + "/base/");

  auto response = client.Send({"POST",
                               "/echo",
                               "{\"a\":1}",
                               "application/json",
                               {{"Authorization", "Bearer k"}}},
                              In(std::chrono::seconds(5)));
  REQUIRE(response.ok());
  CHECK(response->status == 418);
  CHECK(response->body == "{\"ok\":true}");
  CHECK(response->content_type == "application/json");
  CHECK(seen_body == "{\"a\":1}");
  CHECK(seen_type == "application/json");
  CHECK(seen_auth == "Bearer k");
  CHECK(seen_agent.starts_with("aigen/"));

  auto moved = client.Send(Get("/moved"), In(std::chrono::seconds(5)));
  REQUIRE(moved.ok());
  CHECK(moved->status == 302);  // never followed
}

TEST_CASE("HttpClient maps an unreachable server to BadGateway",
          "[http_client]") {
  int port = ClosedPort();
  HttpClient client =
      ClientFor("http://127.0.0.1:" + std::to_string(port) + "/v1");
  auto response = client.Send(Get("/x"), In(std::chrono::seconds(5)));
  REQUIRE_FALSE(response.ok());
  CHECK(response.status().code() == Code::kBadGateway);
  CHECK_THAT(response.status().message(),
             Catch::StartsWith("could not reach test at http://127.0.0.1:" +
                               std::to_string(port) + "/v1: "));
}

TEST_CASE("HttpClient refuses a plain-HTTP server spoken to as https",
          "[http_client]") {
  FakeOpenAI fake;
  HttpClient client =
      ClientFor("https://127.0.0.1:" + std::to_string(fake.port()));
  auto start = Clock::now();
  auto response =
      client.Send(Get("/v1/files/1.png"), In(std::chrono::seconds(5)));
  REQUIRE_FALSE(response.ok());
  CHECK(response.status().code() == Code::kBadGateway);
  CHECK(SecondsSince(start) < 8);
}

TEST_CASE("HttpClient caps the body size", "[http_client]") {
  LocalServer local;
  local.server.Get("/declared",
                   [](const httplib::Request&, httplib::Response& res) {
                     res.set_content(std::string(4096, 'x'), "text/plain");
                   });
  local.server.Get(
      "/chunked", [](const httplib::Request&, httplib::Response& res) {
        res.set_chunked_content_provider(
            "text/plain", [](size_t offset, httplib::DataSink& sink) {
              if (offset >= 8192) {
                sink.done();
                return true;
              }
              return sink.write(std::string(512, 'y').data(), 512);
            });
      });
  local.Start();
  HttpClient client = ClientFor(local.url());
  for (const char* path : {"/declared", "/chunked"}) {
    INFO(path);
    CallOptions options = In(std::chrono::seconds(5));
    options.max_bytes = 1024;
    auto response = client.Send(Get(path), options);
    REQUIRE_FALSE(response.ok());
    CHECK(response.status().code() == Code::kBadGateway);
    CHECK_THAT(response.status().message(),
               Catch::Contains("larger than 1024 bytes"));
    options.max_bytes = 1 << 20;
    CHECK(client.Send(Get(path), options).ok());  // the same client works on
  }
}

TEST_CASE("HttpClient ends a never-ending or silent answer at the deadline",
          "[http_client]") {
  FakeOpenAI fake;
  HttpClient client = ClientFor(fake.url(), std::chrono::seconds(1));
  for (auto mode : {FakeOpenAI::Mode::kNeverEnds, FakeOpenAI::Mode::kSlow}) {
    fake.SetMode(mode);
    auto start = Clock::now();
    auto response = client.Send(Post("/images/generations", "{}"),
                                In(std::chrono::seconds(1)));
    REQUIRE_FALSE(response.ok());
    CHECK(response.status().code() == Code::kGatewayTimeout);
    CHECK(response.status().message() == "test did not answer within 1 s");
    CHECK(SecondsSince(start) < 1 + 3);
  }
}

TEST_CASE("HttpClient aborts from another thread", "[http_client]") {
  FakeOpenAI fake;
  fake.SetMode(FakeOpenAI::Mode::kSlow);
  HttpClient client = ClientFor(fake.url());
  AbortSignal signal;
  auto start = Clock::now();
  std::thread aborter([&] {
    while (fake.generation_requests() == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    signal.Abort();
  });
  auto response = client.Send(Post("/images/generations", "{}"),
                              In(std::chrono::seconds(20), &signal));
  aborter.join();
  REQUIRE_FALSE(response.ok());
  CHECK(response.status().code() == Code::kCanceled);
  CHECK(SecondsSince(start) < 3);

  // An aborted signal stops a call before it is sent.
  auto again = client.Send(Post("/images/generations", "{}"),
                           In(std::chrono::seconds(5), &signal));
  CHECK(again.status().code() == Code::kCanceled);
  CHECK(fake.generation_requests() == 1);
}

TEST_CASE("HttpClient::Fetch sends headers only to the base's origin",
          "[http_client]") {
  LocalServer api, storage;
  std::string api_auth = "unset", storage_auth = "unset", storage_target;
  api.server.Get("/img.png",
                 [&](const httplib::Request& req, httplib::Response& res) {
                   api_auth = req.get_header_value("Authorization");
                   res.set_content("api-bytes", "image/png");
                 });
  storage.server.Get("/blob/img.png",
                     [&](const httplib::Request& req, httplib::Response& res) {
                       storage_auth = req.get_header_value("Authorization");
                       storage_target = req.get_param_value("sig");
                       res.set_content("storage-bytes", "image/png");
                     });
  api.Start();
  storage.Start();
  HttpClient client = ClientFor(api.url() + "/v1");
  const std::vector<std::pair<std::string, std::string>> auth = {
      {"Authorization", "Bearer k"}};

  auto same =
      client.Fetch(api.url() + "/img.png", auth, In(std::chrono::seconds(5)));
  REQUIRE(same.ok());
  CHECK(same->body == "api-bytes");
  CHECK(api_auth == "Bearer k");

  auto relative =
      client.Fetch("/img.png#frag", auth, In(std::chrono::seconds(5)));
  REQUIRE(relative.ok());
  CHECK(relative->body == "api-bytes");

  auto other = client.Fetch(storage.url() + "/blob/img.png?sig=a%2Bb", auth,
                            In(std::chrono::seconds(5)));
  REQUIRE(other.ok());
  CHECK(other->body == "storage-bytes");
  CHECK(storage_auth.empty());
  CHECK(storage_target == "a+b");  // the signed query arrives as sent

  for (const char* bad : {"ftp://x/y", "javascript:alert(1)", "http://x/a b"}) {
    INFO(bad);
    CHECK(
        client.Fetch(bad, auth, In(std::chrono::seconds(5))).status().code() ==
        Code::kBadGateway);
  }
}

TEST_CASE("Helpers: base64 images, basic auth, in-flight registry",
          "[http_client]") {
  auto plain = DecodeImageBase64("aGVsbG8=");
  REQUIRE(plain.ok());
  CHECK(*plain == "hello");
  auto data_url = DecodeImageBase64("data:image/png;base64,aGVsbG8=");
  REQUIRE(data_url.ok());
  CHECK(*data_url == "hello");
  CHECK(DecodeImageBase64("not base64!").status().code() == Code::kBadGateway);

  CHECK(BasicAuthorization("alice", "secret") == "Basic YWxpY2U6c2VjcmV0");

  InFlightCalls calls;
  JobControl control;
  CHECK(calls.Find(control) == nullptr);
  {
    InFlightGuard guard(calls, control);
    CHECK(calls.Find(control).get() == &guard.signal());
    CHECK_FALSE(guard.signal().aborted());
  }
  CHECK(calls.Find(control) == nullptr);
  control.canceled = true;  // canceled before it started
  InFlightGuard guard(calls, control);
  CHECK(guard.signal().aborted());
}

}  // namespace aigen::gen
