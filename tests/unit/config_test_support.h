#pragma once
// Helpers shared by the config tests.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"

namespace aigen::config {

// An environment holding only `vars`.
inline GetEnv FakeEnv(std::map<std::string, std::string> vars = {}) {
  return [vars = std::move(vars)](
             const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// Issues as config check prints them, for test failure messages.
inline std::string Describe(const std::vector<ConfigIssue>& issues) {
  std::string out;
  for (const auto& issue : issues) out += issue.ToString("test.toml") + "\n";
  return out;
}

}  // namespace aigen::config
