// ApplyDefaults, Validate and ParseListenAddress: the rules after parsing.
#include <catch2/catch.hpp>
#include <map>

#include "config/config.h"
#include "unit/config_test_support.h"

namespace aigen::config {
namespace {

TEST_CASE("ApplyDefaults adds a backend and resolves anonymous", "[config]") {
  struct Case {
    const char* text;
    std::map<std::string, std::string> env;
    const char* type;  // of backends[0]
    const char* url;
    bool anonymous;
    const char* default_backend;
  };
  const char* kA1111 =
      "[[backends]]\nname = \"gpu\"\ntype = \"automatic1111\"\nurl = "
      "\"http://g:1\"\n";
  const Case cases[] = {
      {"", {}, "demo", "", true, "demo"},
      {"", {{"OPENAI_API_KEY", ""}}, "demo", "", true, "demo"},
      {"",
       {{"OPENAI_API_KEY", "sk"}},
       "openai",
       "https://api.openai.com/v1",
       false,
       "openai"},
      {"",
       {{"OPENAI_API_KEY", "sk"},
        {"OPENAI_BASE_URL", "http://localai:8080/v1"}},
       "openai",
       "http://localai:8080/v1",
       false,
       "openai"},
      {"[generation]\nanonymous = true\n",
       {{"OPENAI_API_KEY", "sk"}},
       "openai",
       "https://api.openai.com/v1",
       true,
       "openai"},
      {"[generation]\nanonymous = false\n", {}, "demo", "", false, "demo"},
      {kA1111,
       {{"OPENAI_API_KEY", "sk"}},
       "automatic1111",
       "http://g:1",
       false,
       "gpu"},
      {"[[backends]]\nname = \"d\"\ntype = \"demo\"\n",
       {},
       "demo",
       "",
       true,
       "d"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto r = ParseConfig(c.text, FakeEnv(c.env));
    REQUIRE(r.issues.empty());
    ApplyDefaults(r.config, FakeEnv(c.env));
    REQUIRE(r.config.backends.size() == 1);
    CHECK(r.config.backends[0].type == c.type);
    CHECK(r.config.backends[0].url == c.url);
    REQUIRE(r.config.generation.anonymous.has_value());
    CHECK(*r.config.generation.anonymous == c.anonymous);
    CHECK(r.config.generation.default_backend == c.default_backend);
    CHECK(Validate(r.config).empty());
  }
  Config openai;
  ApplyDefaults(openai, FakeEnv({{"OPENAI_API_KEY", "sk-x"}}));
  CHECK(openai.backends[0].name == "openai");
  CHECK(openai.backends[0].api_key == "sk-x");
  CHECK(openai.backends[0].model == "dall-e-2");
}

TEST_CASE("ParseListenAddress", "[config]") {
  struct Case {
    const char* text;
    bool ok;
    const char* host;
    int port;
  };
  const Case cases[] = {
      {"[::]:8080", true, "::", 8080},
      {"127.0.0.1:0", true, "127.0.0.1", 0},
      {"0.0.0.0:80", true, "0.0.0.0", 80},
      {":8080", true, "::", 8080},
      {"[::1]:65535", true, "::1", 65535},
      {"localhost:3000", true, "localhost", 3000},
      {"[fe80::1%eth0]:80", false, "", 0},
      {"::1:80", false, "", 0},
      {"[::1]", false, "", 0},
      {"[::1]80", false, "", 0},
      {"127.0.0.1", false, "", 0},
      {"127.0.0.1:65536", false, "", 0},
      {"127.0.0.1:-1", false, "", 0},
      {"127.0.0.1:", false, "", 0},
      {"256.0.0.1:80", false, "", 0},
      {"1.2.3:80", false, "", 0},
      {"", false, "", 0},
      {"[zz]:80", false, "", 0},
      {"host name:80", false, "", 0},
      {"127.0.0.1:8o", false, "", 0},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto parsed = ParseListenAddress(c.text);
    REQUIRE(parsed.has_value() == c.ok);
    if (!c.ok) continue;
    CHECK(parsed->host == c.host);
    CHECK(parsed->port == c.port);
  }
}

TEST_CASE("Validate finds duplicate names and reports all issues", "[config]") {
  Config c;
  for (const char* name : {"gpu", "GPU", "other", "gpu"}) {
    BackendConfig backend;
    backend.name = name;
    backend.type = "demo";
    c.backends.push_back(backend);
  }
  auto issues = Validate(c);
  INFO(Describe(issues));
  REQUIRE(issues.size() == 2);
  CHECK(issues[0].key == "backends[1].name");
  CHECK_THAT(issues[0].message,
             Catch::Contains("already the name of backends[0]"));
  CHECK(issues[1].key == "backends[3].name");

  auto parsed = ParseConfig(
      "[[backends]]\nname = \"a\"\ntype = \"demo\"\n\n[[backends]]\nname = "
      "\"a\"\ntype = \"demo\"\n",
      FakeEnv());
  REQUIRE(parsed.issues.size() == 1);
  CHECK(parsed.issues[0].key == "backends[1].name");
  CHECK(parsed.issues[0].line == 6);

  Config many;
  many.listen = {"nope"};
  many.log_level = "loud";
  many.http.threads = 1;
  CHECK(Validate(many).size() == 3);
}

TEST_CASE("ConfigIssue::ToString", "[config]") {
  CHECK(ConfigIssue{"backends[0].timeout", 12, "bad"}.ToString("aigen.toml") ==
        "aigen.toml:12: backends[0].timeout: bad");
  CHECK(ConfigIssue{"listen", 0, "bad"}.ToString("a.toml") ==
        "a.toml: listen: bad");
  CHECK(ConfigIssue{"", 3, "not valid TOML"}.ToString("a.toml") ==
        "a.toml:3: not valid TOML");
}

}  // namespace
}  // namespace aigen::config
