// `aigen serve`: config file + flags -> App, then wait for SIGINT/SIGTERM.
#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "app.h"
#include "cli/commands.h"
#include "config/config.h"
#include "util/log.h"
#include "version.h"

namespace aigen::cli {
namespace {

void PrintIssues(const std::vector<config::ConfigIssue>& issues,
                 std::string_view label) {
  for (const config::ConfigIssue& issue : issues) {
    std::fprintf(stderr, "%s\n", issue.ToString(label).c_str());
  }
}

// The file (or the defaults), then the flags, then the environment's defaults.
// Prints every issue and returns false when the result is unusable.
bool BuildConfig(const ServeFlags& flags, config::Config& out) {
  config::GetEnv env = config::ProcessEnvironment();
  std::string path = ConfigPathOrEnv(flags.config_path);
  config::LoadResult loaded;
  if (path.empty()) {
    loaded.config = config::DefaultConfig(env);
  } else {
    loaded = config::LoadConfigFile(path, env);
  }
  if (!loaded.issues.empty()) {
    PrintIssues(loaded.issues, path);
    std::fprintf(
        stderr,
        "aigen: fix %s (check it with: aigen config check --config %s)\n",
        path.c_str(), path.c_str());
    return false;
  }
  out = std::move(loaded.config);
  if (!flags.listen.empty()) out.listen = flags.listen;
  if (!flags.data_dir.empty()) out.data_dir = flags.data_dir;
  if (!flags.dev_static_dir.empty()) out.dev_static_dir = flags.dev_static_dir;
  if (!flags.log_level.empty()) out.log_level = flags.log_level;
  config::ApplyDefaults(out, env);
  std::vector<config::ConfigIssue> issues = config::Validate(out);
  std::error_code ec;
  if (!out.dev_static_dir.empty() &&
      !std::filesystem::is_directory(out.dev_static_dir, ec)) {
    issues.push_back({"dev_static_dir", 0,
                      "\"" + out.dev_static_dir + "\" is not a directory"});
  }
  PrintIssues(issues, "aigen");
  return issues.empty();
}

// Blocks SIGINT and SIGTERM in this thread, and so in every thread started
// after, so that only WaitForSignal receives them.
sigset_t BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

int WaitForSignal(const sigset_t& set) {
  int received = 0;
  while (sigwait(&set, &received) != 0) {
  }
  return received;
}

// A second Ctrl-C while stopping ends the process at once.
void ExitOnSecondSignal(const sigset_t& set) {
  std::thread([set] {
    WaitForSignal(set);
    static constexpr char kMessage[] =
        "aigen: second signal; exiting without a clean stop\n";
    ssize_t ignored = write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
    (void)ignored;
    std::_Exit(130);
  }).detach();
}

}  // namespace

int RunServe(const ServeFlags& flags) {
  config::Config config;
  if (!BuildConfig(flags, config)) return 2;
  util::SetLogLevel(util::ParseLogLevel(config.log_level));
  // A peer closing its socket mid-write must be an error code, not a death.
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t stop_signals = BlockStopSignals();

  util::LogInfo("aigen " AIGEN_VERSION " starting; data in " +
                config.data_dir.string());
  Result<std::unique_ptr<App>> created = App::Create(std::move(config));
  if (!created.ok()) {
    std::fprintf(stderr, "aigen: %s\n", created.status().message().c_str());
    return 1;
  }
  App& app = **created;
  if (Status started = app.Start(); !started.ok()) {
    std::fprintf(stderr, "aigen: %s\n", started.message().c_str());
    app.Stop();
    return 1;
  }
  int received = WaitForSignal(stop_signals);
  util::LogInfo(std::string("received ") +
                (received == SIGINT ? "SIGINT" : "SIGTERM") + "; stopping");
  ExitOnSecondSignal(stop_signals);
  app.Stop();
  util::LogInfo("stopped");
  return 0;
}

}  // namespace aigen::cli
