// The command line: the only file that includes CLI11. It parses into plain
// structs and hands them to the subcommands in serve.cpp and config_check.cpp.
#include "cli/cli.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <optional>

#include "cli/commands.h"
#include "version.h"

namespace aigen::cli {
namespace {

constexpr const char* kServeGroup = "Serve options";

void AddServeFlags(CLI::App& app, ServeFlags& flags) {
  app.add_option(
         "--config", flags.config_path,
         "TOML config file (default: $AIGEN_CONFIG; none: built-in defaults)")
      ->type_name("FILE")
      ->group(kServeGroup);
  app.add_option("--listen", flags.listen,
                 "Address to listen on, e.g. [::]:8080 or 127.0.0.1:0; "
                 "repeatable; replaces the "
                 "file's list")
      ->type_name("ADDR:PORT")
      ->allow_extra_args(false)
      ->group(kServeGroup);
  app.add_option("--data-dir", flags.data_dir,
                 "Database and images (default: $STATE_DIRECTORY under "
                 "systemd, else ./data)")
      ->type_name("DIR")
      ->group(kServeGroup);
  app.add_option("--dev-static", flags.dev_static_dir,
                 "Serve the web UI from DIR (e.g. web/static) instead of the "
                 "built-in copy")
      ->type_name("DIR")
      ->group(kServeGroup);
  app.add_option("--log-level", flags.log_level,
                 "debug, info, warn or error (default: info)")
      ->type_name("LEVEL")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
      ->group(kServeGroup);
}

struct Parsed {
  ServeFlags serve;
  std::string check_path;
  bool config_check = false;
};

// Parses argv into `parsed`. Returns an exit code when the run ends here
// (--help, --version, a usage error), else nullopt.
std::optional<int> Parse(int argc, char** argv, Parsed& parsed) {
  CLI::App app{"aigen " AIGEN_VERSION ": a self-hosted AI image generator",
               "aigen"};
  app.set_version_flag("--version", "aigen " AIGEN_VERSION,
                       "Print the version and exit");
  app.require_subcommand(0, 1);
  AddServeFlags(app, parsed.serve);

  // `serve` is the default: its flags work with and without the word.
  CLI::App* serve =
      app.add_subcommand("serve", "Serve the web UI and API (the default)");
  AddServeFlags(*serve, parsed.serve);

  CLI::App* config = app.add_subcommand("config", "Configuration tools");
  config->require_subcommand(1);
  CLI::App* check = config->add_subcommand(
      "check",
      "Check a config file: print each issue as FILE:LINE: key: message");
  check
      ->add_option("--config", parsed.check_path,
                   "The file (default: $AIGEN_CONFIG)")
      ->type_name("FILE");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints help, the version or the error
    return code == 0 ? 0 : 2;
  }
  parsed.config_check = check->parsed();
  if (parsed.check_path.empty()) parsed.check_path = parsed.serve.config_path;
  return std::nullopt;
}

}  // namespace

int Run(int argc, char** argv) {
  Parsed parsed;
  try {
    if (std::optional<int> done = Parse(argc, argv, parsed)) return *done;
  } catch (const std::exception& e) {  // CLI11 reports misuse by throwing
    std::fprintf(stderr, "aigen: %s\n", e.what());
    return 2;
  }
  try {
    if (parsed.config_check) return RunConfigCheck(parsed.check_path);
    return RunServe(parsed.serve);
  } catch (
      const std::exception& e) {  // last resort: a bug, reported, not a crash
    std::fprintf(stderr, "aigen: internal error: %s\n", e.what());
    return 1;
  }
}

}  // namespace aigen::cli
