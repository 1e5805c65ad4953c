#include "config/config_reader.h"

#include <algorithm>
#include <limits>

namespace aigen::config {
namespace {

constexpr std::string_view kDurationHint =
    "expected a duration like \"120s\", \"2m\", \"1h\", \"1d\" or a number of "
    "seconds";
constexpr std::string_view kSizeHint =
    "expected a size like 65536 (bytes), \"64KiB\" or \"1MiB\"";

// Leading digits of `text` (at most 12, so no overflow), and the rest.
std::optional<std::pair<std::uint64_t, std::string_view>> SplitNumber(
    std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
    ++digits;
  if (digits == 0 || digits > 12) return std::nullopt;
  std::uint64_t value = 0;
  for (size_t i = 0; i < digits; ++i)
    value = value * 10 + static_cast<unsigned>(text[i] - '0');
  return std::pair{value, text.substr(digits)};
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string UnknownKeyMessage(std::string_view name,
                              std::initializer_list<Reader::Field> fields) {
  std::string_view best;
  size_t best_distance = 3;  // suggest only near misses
  std::string known;
  for (const Reader::Field& field : fields) {
    size_t distance = EditDistance(name, field.name);
    if (distance < best_distance) {
      best = field.name;
      best_distance = distance;
    }
    known += (known.empty() ? "" : ", ") + std::string(field.name);
  }
  if (!best.empty())
    return "unknown key; did you mean \"" + std::string(best) + "\"?";
  return "unknown key; known keys here: " + known;
}

}  // namespace

int LineOf(const toml::node& node, int fallback) {
  int line = static_cast<int>(node.source().begin.line);
  return line > 0 ? line : fallback;
}

std::optional<std::chrono::seconds> ParseDuration(std::string_view text) {
  auto split = SplitNumber(text);
  if (!split) return std::nullopt;
  auto [value, unit] = *split;
  std::int64_t scale = 0;
  if (unit == "s") scale = 1;
  if (unit == "m") scale = 60;
  if (unit == "h") scale = 3600;
  if (unit == "d") scale = 86400;
  if (scale == 0) return std::nullopt;
  return std::chrono::seconds(static_cast<std::int64_t>(value) * scale);
}

std::optional<std::uint64_t> ParseByteSize(std::string_view text) {
  auto split = SplitNumber(text);
  if (!split) return std::nullopt;
  auto [value, unit] = *split;
  if (unit.empty() || unit == "B") return value;
  if (unit == "KiB") return value * 1024;
  if (unit == "MiB") return value * 1024 * 1024;
  return std::nullopt;
}

void Reader::Fields(const toml::table& table, const std::string& prefix,
                    std::initializer_list<Field> fields) {
  for (const auto& [name, node] : table) {
    std::string key = prefix.empty() ? std::string(name.str())
                                     : prefix + "." + std::string(name.str());
    int line = static_cast<int>(name.source().begin.line);
    if (line <= 0) line = LineOf(node);
    Note(key, line);
    Item item{node, key, line};
    auto field =
        std::find_if(fields.begin(), fields.end(),
                     [&](const Field& f) { return f.name == name.str(); });
    if (field == fields.end()) {
      Issue(item, UnknownKeyMessage(name.str(), fields));
    } else {
      field->read(item);
    }
  }
}

const toml::table* Reader::Table(const Item& item) {
  const toml::table* table = item.node.as_table();
  if (table == nullptr)
    Issue(item, "expected a table: write [" + item.key +
                    "] and its keys below" + Got(item.node));
  return table;
}

bool Reader::String(const Item& item, std::string& out) {
  const auto* value = item.node.as_string();
  if (value == nullptr) {
    Issue(item, "expected a string in quotes" + Got(item.node));
    return false;
  }
  out = value->get();
  return true;
}

bool Reader::Secret(const Item& item, std::string& out) {
  std::string text;
  if (!String(item, text)) return false;
  if (text.rfind("env:", 0) != 0) {
    out = std::move(text);
    return true;
  }
  std::string name = text.substr(4);
  if (name.empty()) {
    Issue(item, "\"env:\" needs a variable name, like \"env:OPENAI_API_KEY\"");
    return false;
  }
  std::optional<std::string> value = env_(name);
  if (!value) {
    Issue(item, "environment variable " + name +
                    " is not set (set it, e.g. in /etc/aigen/env, or write the "
                    "value here)");
    return false;
  }
  out = std::move(*value);
  return true;
}

bool Reader::Bool(const Item& item, std::optional<bool>& out) {
  const auto* value = item.node.as_boolean();
  if (value == nullptr) {
    Issue(item, "expected true or false" + Got(item.node));
    return false;
  }
  out = value->get();
  return true;
}

bool Reader::Double(const Item& item, double& out) {
  if (const auto* value = item.node.as_floating_point()) {
    out = value->get();
    return true;
  }
  if (const auto* value = item.node.as_integer()) {
    out = static_cast<double>(value->get());
    return true;
  }
  Issue(item, "expected a number like 7.5" + Got(item.node));
  return false;
}

bool Reader::Duration(const Item& item, std::chrono::seconds& out) {
  if (const auto* value = item.node.as_integer()) {
    out = std::chrono::seconds(value->get());
    return true;
  }
  const auto* text = item.node.as_string();
  std::optional<std::chrono::seconds> parsed;
  if (text != nullptr) parsed = ParseDuration(text->get());
  if (!parsed) {
    Issue(item, std::string(kDurationHint) + Got(item.node));
    return false;
  }
  out = *parsed;
  return true;
}

bool Reader::ByteSize(const Item& item, size_t& out) {
  std::optional<std::uint64_t> parsed;
  if (const auto* value = item.node.as_integer()) {
    if (value->get() < 0) {
      Issue(item, "must not be negative");
      return false;
    }
    parsed = static_cast<std::uint64_t>(value->get());
  } else if (const auto* text = item.node.as_string()) {
    parsed = ParseByteSize(text->get());
  }
  if (!parsed || *parsed > std::numeric_limits<size_t>::max()) {
    Issue(item, std::string(kSizeHint) + Got(item.node));
    return false;
  }
  out = static_cast<size_t>(*parsed);
  return true;
}

std::string Reader::Got(const toml::node& node) {
  if (node.is_string()) {
    const std::string& text = node.as_string()->get();
    return " (got \"" + (text.size() > 40 ? text.substr(0, 40) + "..." : text) +
           "\")";
  }
  switch (node.type()) {
    case toml::node_type::integer:
      return " (got " + std::to_string(node.as_integer()->get()) + ")";
    case toml::node_type::floating_point:
      return " (got a decimal number)";
    case toml::node_type::boolean:
      return node.as_boolean()->get() ? " (got true)" : " (got false)";
    case toml::node_type::table:
      return " (got a table)";
    case toml::node_type::array:
      return " (got a list)";
    default:
      return " (got a date or time)";
  }
}

}  // namespace aigen::config
