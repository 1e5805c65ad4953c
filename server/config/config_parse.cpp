// TOML -> Config: one function per table, each a list of known keys. Values
// are checked for type and shape here (with the line of their key); ranges and
// cross-key rules are Validate's, whose issues get their lines attached here.
#include <toml++/toml.h>

#include <algorithm>
#include <exception>
#include <map>
#include <utility>

#include "config/config.h"
#include "config/config_reader.h"

namespace aigen::config {
namespace {

void ReadGeneration(Reader& r, const Item& item, GenerationConfig& g) {
  const toml::table* table = r.Table(item);
  if (table == nullptr) return;
  r.Fields(*table, item.key,
           {
               {"anonymous", [&](const Item& i) { r.Bool(i, g.anonymous); }},
               {"max_queue", [&](const Item& i) { r.Integer(i, g.max_queue); }},
               {"expire_after",
                [&](const Item& i) { r.Duration(i, g.expire_after); }},
               {"default_backend",
                [&](const Item& i) { r.String(i, g.default_backend); }},
           });
}

void ReadLimits(Reader& r, const Item& item, LimitsConfig& l) {
  const toml::table* table = r.Table(item);
  if (table == nullptr) return;
  r.Fields(
      *table, item.key,
      {
          {"generate", [&](const Item& i) { r.String(i, l.generate); }},
          {"ipv6_prefix", [&](const Item& i) { r.Integer(i, l.ipv6_prefix); }},
          {"max_tracked_clients",
           [&](const Item& i) { r.Integer(i, l.max_tracked_clients); }},
      });
}

void ReadHttp(Reader& r, const Item& item, HttpConfig& h) {
  const toml::table* table = r.Table(item);
  if (table == nullptr) return;
  r.Fields(*table, item.key,
           {
               {"threads", [&](const Item& i) { r.Integer(i, h.threads); }},
               {"max_body_bytes",
                [&](const Item& i) { r.ByteSize(i, h.max_body_bytes); }},
               {"read_timeout",
                [&](const Item& i) { r.Duration(i, h.read_timeout); }},
               {"write_timeout",
                [&](const Item& i) { r.Duration(i, h.write_timeout); }},
               {"keep_alive_timeout",
                [&](const Item& i) { r.Duration(i, h.keep_alive_timeout); }},
               {"keep_alive_max",
                [&](const Item& i) { r.Integer(i, h.keep_alive_max); }},
               {"max_connections_per_ip",
                [&](const Item& i) { r.Integer(i, h.max_connections_per_ip); }},
           });
}

void ReadBackend(Reader& r, const toml::table& table, const std::string& key,
                 BackendConfig& b) {
  r.Fields(
      table, key,
      {
          {"name", [&](const Item& i) { r.String(i, b.name); }},
          {"type", [&](const Item& i) { r.String(i, b.type); }},
          {"url", [&](const Item& i) { r.String(i, b.url); }},
          {"api_key", [&](const Item& i) { r.Secret(i, b.api_key); }},
          {"username", [&](const Item& i) { r.Secret(i, b.username); }},
          {"password", [&](const Item& i) { r.Secret(i, b.password); }},
          {"model", [&](const Item& i) { r.String(i, b.model); }},
          {"concurrency", [&](const Item& i) { r.Integer(i, b.concurrency); }},
          {"timeout", [&](const Item& i) { r.Duration(i, b.timeout); }},
          {"steps", [&](const Item& i) { r.Integer(i, b.steps); }},
          {"sampler", [&](const Item& i) { r.String(i, b.sampler); }},
          {"cfg_scale", [&](const Item& i) { r.Double(i, b.cfg_scale); }},
          {"max_n", [&](const Item& i) { r.Integer(i, b.max_n); }},
      });
  if (b.type == "openai") {
    if (b.url.empty()) b.url = kOpenAiDefaultUrl;
    if (b.model.empty()) b.model = kOpenAiDefaultModel;
  }
}

void ReadBackends(Reader& r, const Item& item,
                  std::vector<BackendConfig>& backends) {
  const toml::array* array = item.node.as_array();
  if (array == nullptr) {
    r.Issue(item,
            "expected one [[backends]] table per backend (note the double "
            "brackets)");
    return;
  }
  for (size_t index = 0; index < array->size(); ++index) {
    const toml::node& element = *array->get(index);
    std::string key = item.key + "[" + std::to_string(index) + "]";
    int line = LineOf(element, item.line);
    r.Note(key, line);
    const toml::table* table = element.as_table();
    if (table == nullptr) {
      r.Issue({element, key, line},
              "expected a table with name = ..., type = ...");
      continue;
    }
    BackendConfig backend;
    ReadBackend(r, *table, key, backend);
    backends.push_back(std::move(backend));
  }
}

void ReadListen(Reader& r, const Item& item, std::vector<std::string>& listen) {
  constexpr std::string_view kExpected =
      "expected an address like \"[::]:8080\" or a list like [\"0.0.0.0:80\", "
      "\"[::]:80\"]";
  if (const auto* single = item.node.as_string()) {
    listen = {single->get()};
    return;
  }
  const toml::array* array = item.node.as_array();
  if (array == nullptr) {
    r.Issue(item, std::string(kExpected));
    return;
  }
  std::vector<std::string> addresses;
  bool ok = true;
  for (size_t index = 0; index < array->size(); ++index) {
    const toml::node& element = *array->get(index);
    Item child{element, item.key + "[" + std::to_string(index) + "]",
               LineOf(element, item.line)};
    r.Note(child.key, child.line);
    if (const auto* text = element.as_string()) {
      addresses.push_back(text->get());
    } else {
      r.Issue(child, "expected a string like \"127.0.0.1:8080\"");
      ok = false;
    }
  }
  if (ok) listen = std::move(addresses);
}

void ReadRoot(Reader& r, const toml::table& root, Config& c) {
  r.Fields(
      root, "",
      {
          {"listen", [&](const Item& i) { ReadListen(r, i, c.listen); }},
          {"data_dir",
           [&](const Item& i) {
             std::string dir;
             if (r.String(i, dir)) c.data_dir = dir;
           }},
          {"dev_static_dir",
           [&](const Item& i) { r.String(i, c.dev_static_dir); }},
          {"log_level", [&](const Item& i) { r.String(i, c.log_level); }},
          {"generation",
           [&](const Item& i) { ReadGeneration(r, i, c.generation); }},
          {"limits", [&](const Item& i) { ReadLimits(r, i, c.limits); }},
          {"http", [&](const Item& i) { ReadHttp(r, i, c.http); }},
          {"backends", [&](const Item& i) { ReadBackends(r, i, c.backends); }},
      });
}

// "backends[1].url" -> "backends[1]" -> "backends" -> "".
std::string ParentKey(const std::string& key) {
  size_t cut = key.find_last_of(".[");
  return cut == std::string::npos ? std::string() : key.substr(0, cut);
}

bool Covers(const std::string& parsed, const std::string& key) {
  if (parsed == key) return true;
  return key.size() > parsed.size() &&
         key.compare(0, parsed.size(), parsed) == 0 &&
         (key[parsed.size()] == '.' || key[parsed.size()] == '[');
}

// Adds Validate's issues for the config as it will run (after ApplyDefaults),
// skipping keys that already have a parse issue, each with its key's line.
void AddValidationIssues(LoadResult& result, const LineMap& lines,
                         const GetEnv& env) {
  Config effective = result.config;
  ApplyDefaults(effective, env);
  std::vector<ConfigIssue> parse_issues = result.issues;
  for (ConfigIssue& issue : Validate(effective)) {
    bool covered = std::any_of(
        parse_issues.begin(), parse_issues.end(),
        [&](const ConfigIssue& p) { return Covers(p.key, issue.key); });
    if (covered) continue;
    for (std::string key = issue.key; !key.empty() && issue.line == 0;
         key = ParentKey(key)) {
      if (auto it = lines.find(key); it != lines.end()) issue.line = it->second;
    }
    result.issues.push_back(std::move(issue));
  }
}

}  // namespace

LoadResult ParseConfig(std::string_view toml_text, const GetEnv& env) {
  LoadResult result;
  result.config = DefaultConfig(env);
  toml::table root;
  try {
    root = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    result.issues.push_back(
        {"", static_cast<int>(e.source().begin.line),
         "not valid TOML: " + std::string(e.description())});
    return result;
  } catch (const std::exception& e) {
    result.issues.push_back({"", 0, std::string("cannot parse: ") + e.what()});
    return result;
  }
  Reader reader(env);
  ReadRoot(reader, root, result.config);
  result.issues = reader.TakeIssues();
  AddValidationIssues(result, reader.lines(), env);
  // toml++ iterates keys in sorted order; report in file order instead.
  std::stable_sort(result.issues.begin(), result.issues.end(),
                   [](const ConfigIssue& a, const ConfigIssue& b) {
                     return a.line < b.line;
                   });
  return result;
}

}  // namespace aigen::config
