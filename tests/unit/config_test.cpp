// Parsing: defaults, every key, every kind of error with its key and line.
#include "config/config.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "support/temp_dir.h"
#include "unit/config_test_support.h"

namespace aigen::config {
namespace {

using std::chrono::seconds;

const std::string kExample =
    std::string(AIGEN_SOURCE_DIR) + "/systemd/aigen.toml";

TEST_CASE("an empty file gives the defaults", "[config]") {
  LoadResult r = ParseConfig("", FakeEnv());
  INFO(Describe(r.issues));
  REQUIRE(r.issues.empty());
  const Config& c = r.config;
  CHECK(c.listen == std::vector<std::string>{"[::]:8080"});
  CHECK(c.data_dir == "./data");
  CHECK(c.dev_static_dir.empty());
  CHECK(c.log_level == "info");
  CHECK_FALSE(c.generation.anonymous.has_value());
  CHECK(c.generation.max_queue == 64);
  CHECK(c.generation.expire_after == seconds(86400));
  CHECK(c.generation.default_backend.empty());
  CHECK(c.limits.generate == "10/hour");
  CHECK(c.limits.ipv6_prefix == 56);
  CHECK(c.limits.max_tracked_clients == 100000);
  CHECK(c.http.threads == 0);
  CHECK(c.http.max_body_bytes == 64 * 1024);
  CHECK(c.http.read_timeout == seconds(10));
  CHECK(c.http.write_timeout == seconds(10));
  CHECK(c.http.keep_alive_timeout == seconds(5));
  CHECK(c.http.keep_alive_max == 1000);
  CHECK(c.backends.empty());
}

TEST_CASE("data_dir defaults to $STATE_DIRECTORY under systemd", "[config]") {
  CHECK(ParseConfig("", FakeEnv({{"STATE_DIRECTORY", "/var/lib/aigen"}}))
            .config.data_dir == "/var/lib/aigen");
  CHECK(DefaultConfig(FakeEnv({{"STATE_DIRECTORY", "/var/lib/a:/var/lib/b"}}))
            .data_dir == "/var/lib/a");
  auto r = ParseConfig("data_dir = \"/srv/aigen\"",
                       FakeEnv({{"STATE_DIRECTORY", "/x"}}));
  CHECK(r.config.data_dir == "/srv/aigen");
}

TEST_CASE("every key is parsed", "[config]") {
  const char* text = R"(
listen = ["0.0.0.0:80", "[::1]:8081"]
data_dir = "/srv/aigen"
dev_static_dir = "web/static"
log_level = "debug"
[generation]
anonymous = true
max_queue = 10
expire_after = "2h"
default_backend = "gpu"
[limits]
generate = "5/minute"
ipv6_prefix = 64
max_tracked_clients = 500
[http]
threads = 8
max_body_bytes = "1MiB"
read_timeout = 30
write_timeout = "1m"
keep_alive_timeout = "2s"
keep_alive_max = 7
[[backends]]
name = "openai"
type = "openai"
api_key = "env:OPENAI_API_KEY"
[[backends]]
name = "gpu"
type = "automatic1111"
url = "http://10.0.0.2:7860"
username = "user"
password = "env:A1111_PASSWORD"
model = "sdxl"
concurrency = 2
timeout = "5m"
steps = 30
sampler = "DPM++ 2M"
cfg_scale = 6.5
max_n = 3
)";
  auto r = ParseConfig(
      text, FakeEnv({{"OPENAI_API_KEY", "sk-1"}, {"A1111_PASSWORD", "pw"}}));
  INFO(Describe(r.issues));
  REQUIRE(r.issues.empty());
  const Config& c = r.config;
  CHECK(c.listen == std::vector<std::string>{"0.0.0.0:80", "[::1]:8081"});
  CHECK(c.data_dir == "/srv/aigen");
  CHECK(c.dev_static_dir == "web/static");
  CHECK(c.log_level == "debug");
  CHECK(c.generation.anonymous == true);
  CHECK(c.generation.max_queue == 10);
  CHECK(c.generation.expire_after == seconds(7200));
  CHECK(c.generation.default_backend == "gpu");
  CHECK(c.limits.generate == "5/minute");
  CHECK(c.limits.ipv6_prefix == 64);
  CHECK(c.limits.max_tracked_clients == 500);
  CHECK(c.http.threads == 8);
  CHECK(c.http.max_body_bytes == 1024 * 1024);
  CHECK(c.http.read_timeout == seconds(30));
  CHECK(c.http.write_timeout == seconds(60));
  CHECK(c.http.keep_alive_timeout == seconds(2));
  CHECK(c.http.keep_alive_max == 7);
  REQUIRE(c.backends.size() == 2);
  const BackendConfig& openai = c.backends[0];
  CHECK(openai.name == "openai");
  CHECK(openai.url == "https://api.openai.com/v1");  // defaults for type openai
  CHECK(openai.model == "dall-e-2");
  CHECK(openai.api_key == "sk-1");
  CHECK(openai.concurrency == 1);
  CHECK(openai.timeout == seconds(120));
  const BackendConfig& gpu = c.backends[1];
  CHECK(gpu.type == "automatic1111");
  CHECK(gpu.url == "http://10.0.0.2:7860");
  CHECK(gpu.username == "user");
  CHECK(gpu.password == "pw");
  CHECK(gpu.model == "sdxl");
  CHECK(gpu.concurrency == 2);
  CHECK(gpu.timeout == seconds(300));
  CHECK(gpu.steps == 30);
  CHECK(gpu.sampler == "DPM++ 2M");
  CHECK(gpu.cfg_scale == Approx(6.5));
  CHECK(gpu.max_n == 3);
}

TEST_CASE("durations and sizes in every accepted form", "[config]") {
  struct Case {
    const char* value;
    long long seconds;
  };
  const Case cases[] = {{"\"120s\"", 120}, {"\"2m\"", 120},
                        {"\"1h\"", 3600},  {"\"24h\"", 86400},
                        {"\"1d\"", 86400}, {"\"365d\"", 365 * 86400},
                        {"600", 600},      {"\"90000s\"", 90000}};
  for (const Case& c : cases) {
    INFO(c.value);
    auto r = ParseConfig(std::string("[generation]\nexpire_after = ") + c.value,
                         FakeEnv());
    INFO(Describe(r.issues));
    CHECK(r.issues.empty());
    CHECK(r.config.generation.expire_after.count() == c.seconds);
  }
  const std::pair<const char*, size_t> sizes[] = {{"2048", 2048},
                                                  {"\"4096\"", 4096},
                                                  {"\"512B\"", 0},
                                                  {"\"64KiB\"", 65536},
                                                  {"\"16MiB\"", 16u << 20}};
  for (const auto& [value, bytes] : sizes) {
    INFO(value);
    auto r = ParseConfig(std::string("[http]\nmax_body_bytes = ") + value,
                         FakeEnv());
    if (bytes == 0) {  // parsed, but below the 1KiB minimum
      REQUIRE(r.issues.size() == 1);
      CHECK(r.issues[0].key == "http.max_body_bytes");
    } else {
      CHECK(r.issues.empty());
      CHECK(r.config.http.max_body_bytes == bytes);
    }
  }
}

// One bad key per case: the single issue names the key, its line and the fix.
TEST_CASE("each kind of error names its key and line", "[config]") {
  struct Case {
    std::string text;
    const char* key;
    int line;
    const char* message;  // a substring of the message
  };
  const Case cases[] = {
      {"listen = \"unterminated\n", "", 1, "not valid TOML"},
      {"log_level = \"info\"\nlog_level = \"debug\"\n", "", 2,
       "not valid TOML"},
      {"\nlsiten = \":80\"\n", "lsiten", 2, "did you mean \"listen\""},
      {"[tls]\ncert = \"x\"\n", "tls", 1, "unknown key"},
      {"[http]\nthreds = 8\n", "http.threds", 2, "did you mean \"threads\""},
      {"[[backends]]\nname = \"a\"\ntype = \"demo\"\ntimout = 5\n",
       "backends[0].timout", 4, "did you mean \"timeout\""},
      {"[[backends]]\nname = \"a\"\ntype = \"openai\"\ntimeout = \"2 "
       "minutes\"\n",
       "backends[0].timeout", 4, "expected a duration like \"120s\", \"2m\""},
      {"[[backends]]\nname = \"a\"\ntype = \"demo\"\ntimeout = \"2h\"\n",
       "backends[0].timeout", 4, "between \"1s\" and \"1h\""},
      {"[[backends]]\nname = \"a\"\ntype = \"demo\"\nconcurrency = 0\n",
       "backends[0].concurrency", 4, "between 1 and 64 (got 0)"},
      {"[[backends]]\nname = \"a\"\ntype = \"demo\"\nconcurrency = \"4\"\n",
       "backends[0].concurrency", 4, "expected a whole number (got \"4\")"},
      {"[[backends]]\nname = \"a\"\ntype = \"dalle\"\n", "backends[0].type", 3,
       "unknown type \"dalle\""},
      {"[[backends]]\nname = \"a\"\ntype = 5\n", "backends[0].type", 3,
       "expected a string"},
      {"\n[[backends]]\nname = \"a\"\n", "backends[0].type", 2, "required"},
      {"\n[[backends]]\nname = \"gpu\"\ntype = \"automatic1111\"\n",
       "backends[0].url", 2, "required for type automatic1111"},
      {"[[backends]]\nname = \"a\"\ntype = \"openai\"\nurl = \"ftp://x\"\n",
       "backends[0].url", 4, "must start with http:// or https://"},
      {"[[backends]]\ntype = \"demo\"\n", "backends[0].name", 1, "required"},
      {"[[backends]]\nname = \"a\\tb\"\ntype = \"demo\"\n", "backends[0].name",
       2, "printable"},
      {"[[backends]]\ntype = \"demo\"\nname = \"" + std::string(65, 'x') +
           "\"\n",
       "backends[0].name", 3, "at most 64"},
      {"[[backends]]\nname = \"a\"\ntype = \"openai\"\napi_key = "
       "\"env:NOPE\"\n",
       "backends[0].api_key", 4, "NOPE is not set"},
      {"[[backends]]\nname = \"a\"\ntype = \"openai\"\napi_key = \"env:\"\n",
       "backends[0].api_key", 4, "needs a variable name"},
      {"[backends]\nname = \"a\"\n", "backends", 1, "double brackets"},
      {"listen = \"8080\"\n", "listen[0]", 1, "is not an address"},
      {"listen = [\"[::]:8080\",\n  \"::1:80\"]\n", "listen[1]", 2,
       "IPv6 in brackets"},
      {"listen = 8080\n", "listen", 1, "expected an address"},
      {"listen = []\n", "listen", 1, "at least one address"},
      {"data_dir = \"\"\n", "data_dir", 1, "must not be empty"},
      {"log_level = \"verbose\"\n", "log_level", 1, "debug, info, warn, error"},
      {"generation = 5\n", "generation", 1, "expected a table"},
      {"[generation]\nanonymous = \"yes\"\n", "generation.anonymous", 2,
       "true or false"},
      {"[generation]\nmax_queue = 0\n", "generation.max_queue", 2,
       "between 1 and 100000"},
      {"[generation]\ndefault_backend = \"nope\"\n",
       "generation.default_backend", 2, "names no backend"},
      {"[generation]\nexpire_after = \"1w\"\n", "generation.expire_after", 2,
       "duration"},
      {"[limits]\ngenerate = \"10/fortnight\"\n", "limits.generate", 2,
       "like \"10/hour\""},
      {"[limits]\ngenerate = \"0/hour\"\n", "limits.generate", 2,
       "like \"10/hour\""},
      {"[limits]\nipv6_prefix = 0\n", "limits.ipv6_prefix", 2,
       "32..64 is sensible"},
      {"[limits]\nmax_tracked_clients = 0\n", "limits.max_tracked_clients", 2,
       "at least 1"},
      {"[limits]\nmax_tracked_clients = -1\n", "limits.max_tracked_clients", 2,
       "negative"},
      {"[http]\nthreads = 2\n", "http.threads", 2, "or 0 for automatic"},
      {"[http]\nmax_body_bytes = 100\n", "http.max_body_bytes", 2,
       "1KiB to 16MiB"},
      {"[http]\nmax_body_bytes = \"10GB\"\n", "http.max_body_bytes", 2,
       "\"64KiB\""},
      {"[http]\nkeep_alive_max = 99999999999\n", "http.keep_alive_max", 2,
       "too large"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    LoadResult r = ParseConfig(c.text, FakeEnv());
    INFO(Describe(r.issues));
    REQUIRE(r.issues.size() == 1);
    CHECK(r.issues[0].key == c.key);
    CHECK(r.issues[0].line == c.line);
    CHECK_THAT(r.issues[0].message, Catch::Contains(c.message));
  }
}

TEST_CASE("valid keys still apply next to bad ones", "[config]") {
  auto r = ParseConfig(
      "log_level = \"warn\"\ncolour = true\n[http]\nthreads = \"x\"\n",
      FakeEnv());
  CHECK(r.issues.size() == 2);
  CHECK(r.config.log_level == "warn");
  CHECK(r.config.http.threads == 0);
}

TEST_CASE("dotted keys and inline tables read like tables", "[config]") {
  auto r = ParseConfig(
      "generation.max_queue = 5\nhttp = { threads = 16 }\n\nlimits.ipv6_prefix "
      "= 200\n",
      FakeEnv());
  CHECK(r.config.generation.max_queue == 5);
  CHECK(r.config.http.threads == 16);
  REQUIRE(r.issues.size() == 1);
  CHECK(r.issues[0].key == "limits.ipv6_prefix");
  CHECK(r.issues[0].line == 4);
}

TEST_CASE("backend names are counted in characters", "[config]") {
  std::string name;
  for (int i = 0; i < 64; ++i) name += "\xc3\xb1";  // "ñ": 2 bytes, 1 character
  auto ok = ParseConfig(
      "[[backends]]\ntype = \"demo\"\nname = \"" + name + "\"\n", FakeEnv());
  CHECK(ok.issues.empty());
  auto long_name = ParseConfig(
      "[[backends]]\ntype = \"demo\"\nname = \"" + name + "n\"\n", FakeEnv());
  REQUIRE(long_name.issues.size() == 1);
  CHECK_THAT(long_name.issues[0].message, Catch::Contains("64 characters"));
}

TEST_CASE("env: values resolve through the environment", "[config]") {
  const char* text = R"([[backends]]
name = "gpu"
type = "automatic1111"
url = "http://gpu:7860"
username = "env:A_USER"
password = "env:A_PASS"
api_key = "plain-env-free"
)";
  auto r =
      ParseConfig(text, FakeEnv({{"A_USER", "alice"}, {"A_PASS", "s3cret"}}));
  INFO(Describe(r.issues));
  REQUIRE(r.issues.empty());
  CHECK(r.config.backends[0].username == "alice");
  CHECK(r.config.backends[0].password == "s3cret");
  CHECK(r.config.backends[0].api_key == "plain-env-free");

  auto unset = ParseConfig(text, FakeEnv({{"A_USER", "alice"}}));
  REQUIRE(unset.issues.size() == 1);
  CHECK(unset.issues[0].key == "backends[0].password");
  CHECK(unset.issues[0].line == 6);
  CHECK(unset.config.backends[0].password.empty());
}

TEST_CASE("LoadConfigFile reads files and reports unreadable ones",
          "[config]") {
  testing::TempDir dir;
  auto missing = LoadConfigFile(dir.path() / "missing.toml", FakeEnv());
  REQUIRE(missing.issues.size() == 1);
  CHECK(missing.issues[0].line == 0);
  CHECK_THAT(missing.issues[0].message, Catch::Contains("cannot read"));
  CHECK(LoadConfigFile(dir.path(), FakeEnv()).issues.size() == 1);

  std::ofstream(dir.path() / "a.toml") << "log_level = \"error\"\n";
  auto ok = LoadConfigFile(dir.path() / "a.toml", FakeEnv());
  CHECK(ok.issues.empty());
  CHECK(ok.config.log_level == "error");
}

TEST_CASE("systemd/aigen.toml passes, as shipped and uncommented", "[config]") {
  auto shipped = LoadConfigFile(kExample, FakeEnv());
  INFO(Describe(shipped.issues));
  CHECK(shipped.issues.empty());

  // Uncomment every "# key = value" and "# [table]" line (the first example of
  // a key in each table), so every documented key and example value is checked.
  std::ifstream in(kExample);
  REQUIRE(in);
  std::regex key_line(R"(^# ([a-z0-9_]+) = .*)"),
      table_line(R"(^# ?(\[\[?[a-z]+\]\]?)\s*$)");
  std::ostringstream out;
  std::set<std::string> seen;
  std::string line;
  int tables = 0;
  std::smatch m;
  while (std::getline(in, line)) {
    bool is_table = std::regex_match(line, m, table_line);
    if (is_table || (!line.empty() && line[0] == '[')) {
      seen.clear();
      ++tables;
      out << (is_table ? m[1].str() : line) << "\n";
    } else if (std::regex_match(line, m, key_line) &&
               seen.insert(m[1].str()).second) {
      out << line.substr(2) << "\n";
    }
  }
  CHECK(tables >= 6);
  auto full = ParseConfig(out.str(), FakeEnv({{"OPENAI_API_KEY", "sk"},
                                              {"A1111_USER", "u"},
                                              {"A1111_PASSWORD", "p"}}));
  INFO(out.str());
  INFO(Describe(full.issues));
  CHECK(full.issues.empty());
  REQUIRE(full.config.backends.size() == 3);
  CHECK(full.config.backends[1].type == "automatic1111");
  CHECK(full.config.backends[1].password == "p");
}

}  // namespace
}  // namespace aigen::config
