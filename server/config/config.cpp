// The small public pieces of config/: issue formatting, the environment,
// file loading, defaults and listen addresses. Table parsing lives in
// config_parse.cpp, cross-key checks in config_validate.cpp.
#include "config/config.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/config_reader.h"

namespace aigen::config {
namespace {

constexpr std::uintmax_t kMaxConfigFileBytes = 1 << 20;

// True for a DNS name such as "localhost" or "pi.local".
bool IsHostName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  if (host.front() == '-' || host.front() == '.') return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

bool IsIpv4Shaped(std::string_view host) {
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.';
  });
}

std::optional<int> ParsePort(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  int port = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + (c - '0');
  }
  if (port > 65535) return std::nullopt;
  return port;
}

}  // namespace

std::string ConfigIssue::ToString(std::string_view file) const {
  std::string out(file);
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  if (!key.empty()) out += key + ": ";
  out += message;
  return out;
}

GetEnv ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Config DefaultConfig(const GetEnv& env) {
  Config config;
  if (auto state = env("STATE_DIRECTORY"); state && !state->empty()) {
    // systemd may list several directories separated by ':'; ours is the first.
    config.data_dir = state->substr(0, state->find(':'));
  }
  return config;
}

LoadResult LoadConfigFile(const std::filesystem::path& path,
                          const GetEnv& env) {
  LoadResult result;
  result.config = DefaultConfig(env);
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    result.issues.push_back(
        {"", 0, "is a directory; give the path of a .toml file"});
    return result;
  }
  std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxConfigFileBytes) {
    result.issues.push_back(
        {"", 0, "is larger than 1 MiB; is this really the config file?"});
    return result;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    result.issues.push_back(
        {"", 0, std::string("cannot read the file: ") + std::strerror(errno)});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    result.issues.push_back({"", 0, "cannot read the file: read error"});
    return result;
  }
  return ParseConfig(text.str(), env);
}

void ApplyDefaults(Config& config, const GetEnv& env) {
  if (config.backends.empty()) {
    auto key = env("OPENAI_API_KEY");
    if (key && !key->empty()) {
      BackendConfig openai;
      openai.name = "openai";
      openai.type = "openai";
      auto base = env("OPENAI_BASE_URL");
      openai.url =
          (base && !base->empty()) ? *base : std::string(kOpenAiDefaultUrl);
      openai.api_key = *key;
      openai.model = kOpenAiDefaultModel;
      config.backends.push_back(std::move(openai));
    } else {
      BackendConfig demo;
      demo.name = "demo";
      demo.type = "demo";
      config.backends.push_back(std::move(demo));
    }
  }
  if (!config.generation.anonymous.has_value()) {
    // Anonymous use spends the owner's money unless every backend is the demo.
    bool only_demo =
        std::all_of(config.backends.begin(), config.backends.end(),
                    [](const BackendConfig& b) { return b.type == "demo"; });
    config.generation.anonymous = only_demo;
  }
  if (config.generation.default_backend.empty()) {
    config.generation.default_backend = config.backends.front().name;
  }
}

std::optional<ListenAddress> ParseListenAddress(std::string_view text) {
  std::string_view host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() ||
        text[close + 1] != ':') {
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
    in6_addr addr{};
    std::string host_z(host);
    if (inet_pton(AF_INET6, host_z.c_str(), &addr) != 1) return std::nullopt;
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos)
      return std::nullopt;  // unbracketed IPv6
    if (host.empty()) {
      host = "::";
    } else if (IsIpv4Shaped(host)) {
      in_addr addr{};
      std::string host_z(host);
      if (inet_pton(AF_INET, host_z.c_str(), &addr) != 1) return std::nullopt;
    } else if (!IsHostName(host)) {
      return std::nullopt;
    }
  }
  auto port = ParsePort(port_text);
  if (!port) return std::nullopt;
  return ListenAddress{std::string(host), *port};
}

}  // namespace aigen::config
