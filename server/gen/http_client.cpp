#include "gen/http_client.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <thread>

#include "util/encoding.h"
#include "version.h"

namespace aigen::gen {

using Clock = std::chrono::steady_clock;

// Stops a client from another thread once its call is aborted or past its
// deadline. httplib's read timeout is per recv(), so a server trickling a byte
// a second would otherwise hold the call forever. Client::stop() can miss a
// call that has not yet registered its socket, hence the retries until the
// call ends.
class CallWatchdog {
 public:
  CallWatchdog(httplib::ClientImpl& client, AbortSignal& signal,
               Clock::time_point deadline)
      : client_(client),
        signal_(signal),
        deadline_(deadline),
        thread_([this] { Run(); }) {}

  ~CallWatchdog() { Finish(); }
  CallWatchdog(const CallWatchdog&) = delete;
  CallWatchdog& operator=(const CallWatchdog&) = delete;

  // Ends the watch; returns true when the watchdog had stopped the client.
  bool Finish() {
    {
      std::lock_guard lock(signal_.mutex_);
      finished_ = true;
    }
    signal_.cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    return fired_;
  }

 private:
  void Run() {
    std::unique_lock lock(signal_.mutex_);
    signal_.cv_.wait_until(lock, deadline_,
                           [this] { return finished_ || signal_.aborted_; });
    if (finished_) return;
    fired_ = true;
    while (!finished_) {
      lock.unlock();
      client_.stop();
      lock.lock();
      signal_.cv_.wait_for(lock, std::chrono::milliseconds(20),
                           [this] { return finished_; });
    }
  }

  httplib::ClientImpl& client_;
  AbortSignal& signal_;
  const Clock::time_point deadline_;
  bool finished_ = false;  // guarded by signal_.mutex_
  bool fired_ = false;     // written by thread_ before it ends; read after join
  std::thread thread_;     // last: starts once the members above exist
};

namespace {

bool IsUrlSafe(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f;
  });
}

Result<int> ParsePort(std::string_view text) {
  int port = 0;
  const char* end = text.data() + text.size();
  auto [stop, ec] = std::from_chars(text.data(), end, port);
  if (ec != std::errc() || stop != end || port < 1 || port > 65535) {
    return Status::InvalidArgument("the port must be a number from 1 to 65535");
  }
  return port;
}

// Splits "host", "host:port", "[v6]" or "[v6]:port".
Status ParseAuthority(std::string_view authority, BaseUrl& url) {
  std::string_view port_text;
  if (authority.starts_with('[')) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return Status::InvalidArgument("unclosed '[' in the host");
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':'))
      return Status::InvalidArgument("bad text after ']'");
    if (!rest.empty()) port_text = rest.substr(1);
  } else {
    size_t colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos)
      port_text = authority.substr(colon + 1);
  }
  if (url.host.empty()) return Status::InvalidArgument("the URL has no host");
  if (port_text.empty()) return Status::Ok();
  auto port = ParsePort(port_text);
  if (!port.ok()) return port.status();
  url.port = *port;
  return Status::Ok();
}

std::string DescribeError(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
      return "connection failed (refused, unreachable or unknown host)";
    case httplib::Error::ConnectionTimeout:
      return "connection timed out";
    case httplib::Error::SSLConnection:
      return "TLS handshake failed";
    case httplib::Error::SSLLoadingCerts:
      return "could not load the system CA certificates";
    case httplib::Error::SSLServerVerification:
      return "its TLS certificate could not be verified for this host name";
    case httplib::Error::Read:
      return "the connection broke while reading the answer";
    case httplib::Error::Write:
      return "the connection broke while sending the request";
    default:
      return "HTTP error " + httplib::to_string(error);
  }
}

std::unique_ptr<httplib::ClientImpl> MakeClient(const BaseUrl& target,
                                                Clock::duration remaining) {
  std::unique_ptr<httplib::ClientImpl> client;
  if (target.scheme == "https") {
    auto ssl = std::make_unique<httplib::SSLClient>(target.host, target.port);
    // Debian's bundle; without it OpenSSL's compiled-in default is used.
    std::error_code ec;
    if (std::filesystem::exists("/etc/ssl/certs/ca-certificates.crt", ec)) {
      ssl->set_ca_cert_path("/etc/ssl/certs/ca-certificates.crt",
                            "/etc/ssl/certs");
    }
    ssl->enable_server_certificate_verification(true);
    client = std::move(ssl);
  } else {
    client = std::make_unique<httplib::ClientImpl>(target.host, target.port);
  }
  // httplib's default connect timeout is 300 s: cap it at 10 s and the
  // deadline.
  auto connect = std::min<Clock::duration>(std::chrono::seconds(10), remaining);
  client->set_connection_timeout(
      std::chrono::duration_cast<std::chrono::microseconds>(connect));
  // Per-recv timeouts need only outlast the deadline: the watchdog ends calls.
  auto io = std::chrono::duration_cast<std::chrono::microseconds>(remaining) +
            std::chrono::seconds(1);
  client->set_read_timeout(io);
  client->set_write_timeout(io);
  client->set_keep_alive(false);
  client->set_follow_location(false);
  // Paths arrive encoded; encoding them again would corrupt signed URLs.
  client->set_url_encode(false);
  client->set_tcp_nodelay(true);
  return client;
}

std::string DescribeSize(size_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
    return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

httplib::Request BuildRequest(const BaseUrl& target,
                              const HttpRequest& request) {
  httplib::Request req;
  req.method = request.method;
  req.path = target.path_prefix + request.path;
  for (const auto& [name, value] : request.headers)
    req.headers.emplace(name, value);
  req.headers.emplace("Accept", "application/json, image/*");
  req.headers.emplace("User-Agent", "aigen/" AIGEN_VERSION);
  if (request.method == "POST") {
    req.body = request.body;
    req.headers.emplace("Content-Type", request.content_type);
  }
  return req;
}

Status Unreachable(const std::string& where, httplib::Error error) {
  bool lost = error == httplib::Error::Read || error == httplib::Error::Write;
  std::string prefix =
      lost ? "lost the connection to " + where : "could not reach " + where;
  return Status::BadGateway(prefix + ": " + DescribeError(error));
}

}  // namespace

Result<BaseUrl> ParseBaseUrl(std::string_view text) {
  BaseUrl url;
  size_t sep = text.find("://");
  if (sep != std::string_view::npos)
    url.scheme = std::string(text.substr(0, sep));
  for (char& c : url.scheme)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (url.scheme != "http" && url.scheme != "https") {
    return Status::InvalidArgument(
        "the URL must start with http:// or https://");
  }
  if (!IsUrlSafe(text))
    return Status::InvalidArgument(
        "the URL holds spaces or control characters");
  std::string_view rest = text.substr(sep + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return Status::InvalidArgument("the URL must not have a query or fragment");
  }
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (authority.find('@') != std::string_view::npos) {
    return Status::InvalidArgument(
        "put credentials in the username/password or api_key keys, not in the "
        "URL");
  }
  url.port = url.scheme == "https" ? 443 : 80;
  if (Status s = ParseAuthority(authority, url); !s.ok()) return s;
  std::string_view path =
      slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  while (path.ends_with('/')) path.remove_suffix(1);
  url.path_prefix = std::string(path);
  url.text = url.scheme + "://" + std::string(authority) + url.path_prefix;
  return url;
}

void AbortSignal::Abort() {
  {
    std::lock_guard lock(mutex_);
    aborted_ = true;
  }
  cv_.notify_all();
}

bool AbortSignal::aborted() const {
  std::lock_guard lock(mutex_);
  return aborted_;
}

HttpClient::HttpClient(BaseUrl base, std::string label,
                       std::chrono::seconds timeout)
    : base_(std::move(base)), label_(std::move(label)), timeout_(timeout) {}

Result<HttpResponse> HttpClient::Send(const HttpRequest& request,
                                      const CallOptions& options) const {
  return SendTo(base_, request, options);
}

Result<HttpResponse> HttpClient::Fetch(
    std::string_view url,
    const std::vector<std::pair<std::string, std::string>>& headers,
    const CallOptions& options) const {
  BaseUrl origin = base_;
  origin.path_prefix.clear();
  std::string_view path = url;
  if (!url.starts_with('/')) {
    size_t sep = url.find("://");
    size_t end =
        sep == std::string_view::npos ? sep : url.find_first_of("/?#", sep + 3);
    auto parsed = ParseBaseUrl(url.substr(0, end));
    if (!parsed.ok()) {
      return Status::BadGateway(label_ +
                                " linked to an image at an unusable URL: " +
                                parsed.status().message());
    }
    origin = *parsed;
    path =
        end == std::string_view::npos ? std::string_view("/") : url.substr(end);
  }
  path = path.substr(0, path.find('#'));
  if (!IsUrlSafe(path))
    return Status::BadGateway(label_ +
                              " linked to an image at an unusable URL");
  HttpRequest get;
  get.path =
      path.starts_with('/') ? std::string(path) : "/" + std::string(path);
  bool same_origin = origin.scheme == base_.scheme &&
                     origin.host == base_.host && origin.port == base_.port;
  if (same_origin) get.headers = headers;
  return SendTo(origin, get, options);
}

Result<HttpResponse> HttpClient::SendTo(const BaseUrl& target,
                                        const HttpRequest& request,
                                        const CallOptions& options) const {
  AbortSignal own_signal;
  AbortSignal& signal = options.abort != nullptr ? *options.abort : own_signal;
  if (signal.aborted()) return Status::Canceled("the generation was canceled");
  auto remaining = options.deadline - Clock::now();
  if (remaining <= Clock::duration::zero()) return TimedOut();
  if (!IsUrlSafe(request.path))
    return Status::Internal("unsafe request path for " + label_);
  auto client = MakeClient(target, remaining);

  httplib::Request req = BuildRequest(target, request);
  HttpResponse out;
  bool over_cap = false;
  req.response_handler = [&](const httplib::Response& res) {
    // Refuse a declared oversize body before reading any of it.
    over_cap =
        res.has_header("Content-Length") &&
        res.get_header_value<uint64_t>("Content-Length") > options.max_bytes;
    return !over_cap;
  };
  req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    if (Clock::now() >= options.deadline) return false;
    if (out.body.size() + n > options.max_bytes) {
      over_cap = true;
      return false;
    }
    out.body.append(data, n);
    return true;
  };

  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  bool sent;
  bool fired;
  {
    CallWatchdog watchdog(*client, signal, options.deadline);
    sent = client->send(req, res, error);
    fired = watchdog.Finish();
  }
  const std::string where = label_ + " at " + target.text;
  if (over_cap) {
    return Status::BadGateway(where + " sent an answer larger than " +
                              DescribeSize(options.max_bytes));
  }
  // A stopped connection can look like a complete body that ended early:
  // once the watchdog fired, the body is never trusted.
  if (signal.aborted() && (fired || !sent))
    return Status::Canceled("the generation was canceled");
  if (fired || Clock::now() >= options.deadline) return TimedOut();
  if (!sent) return Unreachable(where, error);
  out.status = res.status;
  out.content_type = res.get_header_value("Content-Type");
  return out;
}

Status HttpClient::TimedOut() const {
  return Status::GatewayTimeout(label_ + " did not answer within " +
                                std::to_string(timeout_.count()) + " s");
}

std::string BasicAuthorization(std::string_view user,
                               std::string_view password) {
  std::string pair = std::string(user) + ":" + std::string(password);
  return "Basic " + util::Base64Encode(pair);
}

Result<std::string> DecodeImageBase64(std::string_view text) {
  if (text.starts_with("data:")) {
    size_t comma = text.find(";base64,");
    if (comma == std::string_view::npos) {
      return Status::BadGateway(
          "the backend sent a data URL that is not base64");
    }
    text = text.substr(comma + 8);
  }
  auto bytes = util::Base64Decode(text);
  if (!bytes.ok())
    return Status::BadGateway(
        "the backend sent image data that is not valid base64");
  return std::move(bytes).value();
}

}  // namespace aigen::gen
