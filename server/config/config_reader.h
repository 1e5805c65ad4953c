#pragma once
// Private to config/: typed reading of TOML nodes into Config fields, with an
// issue (key, line, what to fix) for every value of the wrong type or shape.

#include <toml++/toml.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"

namespace aigen::config {

// The base URL and model of an openai backend that names none.
inline constexpr std::string_view kOpenAiDefaultUrl =
    "https://api.openai.com/v1";
inline constexpr std::string_view kOpenAiDefaultModel = "dall-e-2";

// Dotted key ("backends[0].timeout") -> 1-based line where it was written.
using LineMap = std::map<std::string, int, std::less<>>;

// One value being read: the node, its dotted key and its line.
struct Item {
  const toml::node& node;
  std::string key;
  int line = 0;
};

// The node's 1-based line, or `fallback` when toml++ does not know it.
int LineOf(const toml::node& node, int fallback = 0);

// "120s", "2m", "1h", "1d" -> seconds; nullopt when malformed.
std::optional<std::chrono::seconds> ParseDuration(std::string_view text);
// "65536", "64KiB", "1MiB" -> bytes; nullopt when malformed.
std::optional<std::uint64_t> ParseByteSize(std::string_view text);

// Reads values into fields and collects issues. Each typed reader stores the
// value when it has the right type and shape and returns true; otherwise it
// records an issue and leaves the field unchanged. Not thread-safe.
class Reader {
 public:
  struct Field {
    std::string_view name;
    std::function<void(const Item&)> read;
  };

  explicit Reader(const GetEnv& env) : env_(env) {}

  // Calls the reader of each key of `table`; unknown keys are issues.
  void Fields(const toml::table& table, const std::string& prefix,
              std::initializer_list<Field> fields);
  // The node as a table, or nullptr after an issue.
  const toml::table* Table(const Item& item);

  bool String(const Item& item, std::string& out);
  // A string, or "env:NAME" resolved through the environment.
  bool Secret(const Item& item, std::string& out);
  bool Bool(const Item& item, std::optional<bool>& out);
  bool Double(const Item& item, double& out);
  bool Duration(const Item& item, std::chrono::seconds& out);
  bool ByteSize(const Item& item, size_t& out);

  template <typename T>
  bool Integer(const Item& item, T& out) {
    const auto* value = item.node.as_integer();
    if (value == nullptr) {
      Issue(item, "expected a whole number" + Got(item.node));
      return false;
    }
    std::int64_t v = value->get();
    if (!std::in_range<T>(v)) {
      Issue(item, v < 0 ? "must not be negative" : "is too large");
      return false;
    }
    out = static_cast<T>(v);
    return true;
  }

  void Issue(const Item& item, std::string message) {
    issues_.push_back({item.key, item.line, std::move(message)});
  }
  void Note(const std::string& key, int line) { lines_.emplace(key, line); }

  std::vector<ConfigIssue> TakeIssues() { return std::move(issues_); }
  const LineMap& lines() const { return lines_; }

 private:
  // " (got a string)" etc., for type mismatches.
  static std::string Got(const toml::node& node);

  const GetEnv& env_;
  std::vector<ConfigIssue> issues_;
  LineMap lines_;
};

}  // namespace aigen::config
