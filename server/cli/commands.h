#pragma once
// Private to cli/: the subcommands behind cli::Run, free of CLI11 so that only
// cli.cpp compiles that heavy header.

#include <string>
#include <vector>

namespace aigen::cli {

// `aigen serve` flags; empty means "not given".
struct ServeFlags {
  std::string config_path;  // --config FILE (else $AIGEN_CONFIG, else none)
  std::vector<std::string>
      listen;            // --listen ADDR:PORT, repeatable; replaces the file's
  std::string data_dir;  // --data-dir DIR
  std::string dev_static_dir;  // --dev-static DIR
  std::string log_level;       // --log-level LEVEL
};

// Loads and validates the config, starts the App and serves until SIGINT or
// SIGTERM. Returns 0 after a clean stop, 1 when the App cannot be created or
// started, 2 when the config or flags have issues (each printed to stderr).
int RunServe(const ServeFlags& flags);

// Checks a config file (or, with an empty path and no $AIGEN_CONFIG, the
// built-in defaults): prints "FILE:LINE: key: message" per issue and returns
// 1, or prints "FILE: OK" and returns 0.
int RunConfigCheck(const std::string& config_path);

// `path`, else $AIGEN_CONFIG, else "".
std::string ConfigPathOrEnv(const std::string& path);

}  // namespace aigen::cli
