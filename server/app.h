#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "util/clock.h"
#include "util/status.h"

namespace aigen {

struct AppOptions {
  const util::Clock* clock = nullptr;  // nullptr: the system clock
};

// The composition root: owns the database, file stores, backends, job queue,
// rate limiter and HTTP listeners, and wires them together. Not thread-safe
// itself; Stop() may be called from any one thread.
class App {
 public:
  // Opens (creating if needed) the data directory and database, applies the
  // schema, sweeps files left by a crash and builds the backends.
  // REQUIRES: config has been through config::ApplyDefaults and has no issues.
  static Result<std::unique_ptr<App>> Create(config::Config config,
                                             AppOptions options = {});
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Binds every listener and starts serving on background threads. Logs one
  // "listening on http://HOST:PORT" line per listener, with the real port.
  // Errors: Unavailable when an address cannot be bound.
  Status Start();

  // The base URLs being served ("http://127.0.0.1:43123"), after Start().
  std::vector<std::string> urls() const;

  // Stops listeners, cancels running jobs, joins every thread. Idempotent.
  void Stop();

 private:
  struct Impl;
  explicit App(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace aigen
