// Validate: ranges and rules across keys, on the Config as it will run. Every
// message says what to write instead.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>
#include <type_traits>

#include "config/config.h"

namespace aigen::config {
namespace {

using std::chrono::seconds;
using Issues = std::vector<ConfigIssue>;

constexpr size_t kMaxBackendNameChars = 64;

std::string FormatDuration(seconds d) {
  auto n = d.count();
  if (n != 0 && n % 86400 == 0) return std::to_string(n / 86400) + "d";
  if (n != 0 && n % 3600 == 0) return std::to_string(n / 3600) + "h";
  if (n != 0 && n % 60 == 0) return std::to_string(n / 60) + "m";
  return std::to_string(n) + "s";
}

template <typename T>
std::string ToText(T value) {
  if constexpr (std::is_floating_point_v<T>) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", static_cast<double>(value));
    return text;
  } else {
    return std::to_string(value);
  }
}

template <typename T>
void CheckRange(Issues& issues, const std::string& key, T value, T low, T high,
                std::string_view hint = {}) {
  if (value >= low && value <= high) return;
  std::string message = "must be between " + ToText(low) + " and " +
                        ToText(high) + " (got " + ToText(value) + ")";
  if (!hint.empty()) message += "; " + std::string(hint);
  issues.push_back({key, 0, std::move(message)});
}

void CheckDuration(Issues& issues, const std::string& key, seconds value,
                   seconds low, seconds high) {
  if (value >= low && value <= high) return;
  issues.push_back({key, 0,
                    "must be between \"" + FormatDuration(low) + "\" and \"" +
                        FormatDuration(high) + "\" (got \"" +
                        FormatDuration(value) + "\")"});
}

// "10/hour" -> true. N >= 1, unit second|minute|hour|day.
bool IsRate(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash > 9) return false;
  std::string_view count = text.substr(0, slash);
  if (!std::all_of(count.begin(), count.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  if (count.find_first_not_of('0') == std::string_view::npos)
    return false;  // zero
  std::string_view unit = text.substr(slash + 1);
  return unit == "second" || unit == "minute" || unit == "hour" ||
         unit == "day";
}

bool IsHttpUrl(std::string_view url) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (url.substr(0, scheme.size()) == scheme)
      return url.size() > scheme.size();
  }
  return false;
}

// Code points, counting every byte that does not continue a UTF-8 sequence.
size_t Utf8Length(std::string_view text) {
  return std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void ValidateTop(const Config& c, Issues& issues) {
  if (c.listen.empty()) {
    issues.push_back(
        {"listen", 0, "give at least one address, like \"[::]:8080\""});
  }
  for (size_t i = 0; i < c.listen.size(); ++i) {
    if (ParseListenAddress(c.listen[i])) continue;
    issues.push_back(
        {"listen[" + std::to_string(i) + "]", 0,
         "\"" + c.listen[i] +
             "\" is not an address like \"[::]:8080\", \"0.0.0.0:80\" or "
             "\":8080\" (IPv6 in brackets, port 0..65535)"});
  }
  if (c.data_dir.empty()) {
    issues.push_back(
        {"data_dir", 0, "must not be empty; the default is \"./data\""});
  }
  const auto& level = c.log_level;
  if (level != "debug" && level != "info" && level != "warn" &&
      level != "error") {
    issues.push_back(
        {"log_level", 0,
         "must be one of debug, info, warn, error (got \"" + level + "\")"});
  }
}

void ValidateGeneration(const Config& c, Issues& issues) {
  const GenerationConfig& g = c.generation;
  CheckRange(issues, "generation.max_queue", g.max_queue, 1, 100000);
  CheckDuration(issues, "generation.expire_after", g.expire_after, seconds(60),
                seconds(365 * 86400));
  if (g.default_backend.empty()) return;
  std::string names;
  for (const BackendConfig& b : c.backends) {
    if (b.name == g.default_backend) return;
    names += (names.empty() ? "\"" : ", \"") + b.name + "\"";
  }
  issues.push_back(
      {"generation.default_backend", 0,
       "\"" + g.default_backend + "\" names no backend; " +
           (names.empty() ? "add a [[backends]] table with that name"
                          : "the backends are " + names)});
}

void ValidateLimits(const LimitsConfig& l, Issues& issues) {
  if (!IsRate(l.generate)) {
    issues.push_back(
        {"limits.generate", 0,
         "expected a rate like \"10/hour\": a count of 1 or more per second, "
         "minute, hour or day (got \"" +
             l.generate + "\")"});
  }
  CheckRange(
      issues, "limits.ipv6_prefix", l.ipv6_prefix, 1, 128,
      "32..64 is sensible: 64 is one home network, 56 or 48 one customer");
  if (l.max_tracked_clients < 1) {
    issues.push_back({"limits.max_tracked_clients", 0,
                      "must be at least 1 (100000 is typical)"});
  }
}

void ValidateHttp(const HttpConfig& h, Issues& issues) {
  if (h.threads != 0) {
    CheckRange(issues, "http.threads", h.threads, 4, 1024,
               "or 0 for automatic");
  }
  CheckRange<size_t>(issues, "http.max_body_bytes", h.max_body_bytes, 1024,
                     16 << 20, "that is 1KiB to 16MiB");
  CheckDuration(issues, "http.read_timeout", h.read_timeout, seconds(1),
                seconds(3600));
  CheckDuration(issues, "http.write_timeout", h.write_timeout, seconds(1),
                seconds(3600));
  CheckDuration(issues, "http.keep_alive_timeout", h.keep_alive_timeout,
                seconds(1), seconds(3600));
  CheckRange(issues, "http.keep_alive_max", h.keep_alive_max, 1, 100000);
  CheckRange(issues, "http.max_connections_per_ip", h.max_connections_per_ip, 1,
             100000);
}

void ValidateName(const std::string& key, const std::string& name,
                  Issues& issues) {
  if (name.empty()) {
    issues.push_back(
        {key, 0, "required: give each backend a name, like name = \"openai\""});
  } else if (Utf8Length(name) > kMaxBackendNameChars) {
    issues.push_back({key, 0, "must be at most 64 characters long"});
  } else if (std::any_of(name.begin(), name.end(), [](char c) {
               return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
             })) {
    issues.push_back(
        {key, 0, "must be printable: no tabs, newlines or control characters"});
  }
}

void ValidateBackend(const BackendConfig& b, const std::string& key,
                     Issues& issues) {
  ValidateName(key + ".name", b.name, issues);
  const bool remote = b.type == "openai" || b.type == "automatic1111";
  if (b.type.empty()) {
    issues.push_back(
        {key + ".type", 0, "required: one of demo, openai, automatic1111"});
  } else if (!remote && b.type != "demo") {
    issues.push_back({key + ".type", 0,
                      "unknown type \"" + b.type +
                          "\"; one of demo, openai, automatic1111"});
  }
  if (remote && b.url.empty()) {
    issues.push_back({key + ".url", 0,
                      "required for type " + b.type +
                          ", like \"http://192.168.1.20:7860\""});
  } else if (remote && !IsHttpUrl(b.url)) {
    issues.push_back(
        {key + ".url", 0,
         "must start with http:// or https:// (got \"" + b.url + "\")"});
  }
  CheckRange(issues, key + ".concurrency", b.concurrency, 1, 64);
  CheckDuration(issues, key + ".timeout", b.timeout, seconds(1), seconds(3600));
  CheckRange(issues, key + ".steps", b.steps, 1, 150);
  CheckRange(issues, key + ".cfg_scale", b.cfg_scale, 1.0, 30.0);
  CheckRange(issues, key + ".max_n", b.max_n, 0, 10,
             "0 means the model's own maximum");
  if (b.type == "automatic1111" && b.sampler.empty()) {
    issues.push_back(
        {key + ".sampler", 0, "must not be empty; the default is \"Euler a\""});
  }
}

void ValidateBackends(const std::vector<BackendConfig>& backends,
                      Issues& issues) {
  for (size_t i = 0; i < backends.size(); ++i) {
    std::string key = "backends[" + std::to_string(i) + "]";
    ValidateBackend(backends[i], key, issues);
    for (size_t j = 0; j < i; ++j) {
      if (backends[i].name.empty() ||
          Lower(backends[i].name) != Lower(backends[j].name))
        continue;
      issues.push_back({key + ".name", 0,
                        "\"" + backends[i].name +
                            "\" is already the name of backends[" +
                            std::to_string(j) + "]; names must be unique"});
      break;
    }
  }
}

}  // namespace

std::vector<ConfigIssue> Validate(const Config& config) {
  Issues issues;
  ValidateTop(config, issues);
  ValidateGeneration(config, issues);
  ValidateLimits(config.limits, issues);
  ValidateHttp(config.http, issues);
  ValidateBackends(config.backends, issues);
  return issues;
}

}  // namespace aigen::config
