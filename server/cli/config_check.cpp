// `aigen config check`: the same loading and validation as `serve`, reported
// line by line without starting anything.
#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"
#include "config/config.h"

namespace aigen::cli {

std::string ConfigPathOrEnv(const std::string& path) {
  if (!path.empty()) return path;
  const char* env = std::getenv("AIGEN_CONFIG");
  return env != nullptr ? env : "";
}

int RunConfigCheck(const std::string& config_path) {
  config::GetEnv env = config::ProcessEnvironment();
  std::string path = ConfigPathOrEnv(config_path);
  config::LoadResult result = path.empty() ? config::ParseConfig("", env)
                                           : config::LoadConfigFile(path, env);
  std::string label = path.empty() ? "(built-in defaults)" : path;
  for (const config::ConfigIssue& issue : result.issues) {
    std::printf("%s\n", issue.ToString(label).c_str());
  }
  if (!result.issues.empty()) return 1;
  std::printf("%s: OK\n", label.c_str());
  return 0;
}

}  // namespace aigen::cli
