#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace aigen::config {

// One [[backends]] table. Secrets given as "env:NAME" are resolved at load.
struct BackendConfig {
  std::string name;     // shown to users; unique
  std::string type;     // "demo" | "openai" | "automatic1111"
  std::string url;      // base URL; openai: ".../v1"; a1111: "http://host:7860"
  std::string api_key;  // openai: Bearer token; "" = none
  std::string username,
      password;       // automatic1111 --api-auth (HTTP Basic); "" = none
  std::string model;  // openai: dall-e-2 | dall-e-3 | gpt-image-1 | ...; a1111:
                      // checkpoint title or ""
  int concurrency = 1;  // generations at once on this backend
  std::chrono::seconds timeout{
      120};                         // whole generation, upstream call included
  int steps = 25;                   // automatic1111 sampling steps
  std::string sampler = "Euler a";  // automatic1111 sampler_name
  double cfg_scale = 7.0;           // automatic1111
  int max_n = 0;  // 0: the model's own maximum (dall-e-3: 1, others: 4)
};

struct GenerationConfig {
  // Anyone may generate without an account. Unset in the file: true only
  // while the demo backend is the only one (ApplyDefaults resolves it).
  std::optional<bool> anonymous;
  int max_queue = 64;  // queued jobs beyond this get 503 + Retry-After
  std::chrono::seconds expire_after{
      24 * 3600};               // unsaved images are deleted after this
  std::string default_backend;  // "" = the first configured backend
};

struct LimitsConfig {
  std::string generate =
      "10/hour";         // per client IP: "N/second|minute|hour|day"
  int ipv6_prefix = 56;  // IPv6 clients are grouped by this prefix length
  size_t max_tracked_clients = 100000;  // limiter memory bound
};

struct HttpConfig {
  int threads = 0;                    // worker threads; 0 = automatic (64)
  size_t max_body_bytes = 64 * 1024;  // JSON request bodies
  std::chrono::seconds read_timeout{10};
  std::chrono::seconds write_timeout{10};
  std::chrono::seconds keep_alive_timeout{5};
  int keep_alive_max = 1000;
  int max_connections_per_ip = 32;  // open at once; beyond: 503 and close
};

struct Config {
  std::vector<std::string> listen{"[::]:8080"};
  std::filesystem::path data_dir = "./data";
  std::string dev_static_dir;      // "" = serve the embedded web/static
  std::string log_level = "info";  // debug | info | warn | error
  GenerationConfig generation;
  LimitsConfig limits;
  HttpConfig http;
  std::vector<BackendConfig> backends;  // empty: the demo backend serves
};

// A problem found in a config file: the dotted key ("backends[1].timeout"),
// the 1-based line in the file (0 when unknown) and what to fix.
struct ConfigIssue {
  std::string key;
  int line = 0;
  std::string message;
  std::string ToString(std::string_view file)
      const;  // "aigen.toml:12: backends[0].timeout: ..."
};

struct LoadResult {
  Config config;
  std::vector<ConfigIssue> issues;  // empty: config is usable
};

// Reads the environment; injectable for tests. Returns nullopt when unset.
using GetEnv = std::function<std::optional<std::string>(const std::string&)>;
GetEnv ProcessEnvironment();

// The defaults of every key, with data_dir taken from $STATE_DIRECTORY (set by
// systemd's StateDirectory=) when set, else "./data". ParseConfig starts here.
Config DefaultConfig(const GetEnv& env);

// Parses TOML text. Unknown keys, wrong types and invalid values are issues
// (with key and line); valid keys still apply. "env:NAME" values are resolved
// through `env` (an unset variable is an issue). The issues also include those
// Validate finds in the config after ApplyDefaults, with the line of their key.
LoadResult ParseConfig(std::string_view toml_text, const GetEnv& env);

// Reads and parses a file; an unreadable file is one issue with line 0.
LoadResult LoadConfigFile(const std::filesystem::path& path, const GetEnv& env);

// Applies what the environment adds when no backend is configured: with
// OPENAI_API_KEY set, an "openai" backend (named "openai", model dall-e-2,
// base URL from OPENAI_BASE_URL or https://api.openai.com/v1), and with no
// backend at all, the demo backend. Sets generation.anonymous to false by
// default when a non-demo backend exists and the file did not set it.
// After this, generation.anonymous has a value, and an empty
// generation.default_backend names the first backend.
void ApplyDefaults(Config& config, const GetEnv& env);

// Semantic checks across keys (duplicate backend names, bad listen addresses,
// unknown types, non-positive numbers). Returns every issue found.
std::vector<ConfigIssue> Validate(const Config& config);

// "[::]:8080" -> {"::", 8080}; "127.0.0.1:0" -> {"127.0.0.1", 0};
// ":8080" -> {"::", 8080}. nullopt when malformed.
struct ListenAddress {
  std::string host;
  int port = 0;
};
std::optional<ListenAddress> ParseListenAddress(std::string_view text);

}  // namespace aigen::config
