#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "app.h"
#include "config/config.h"
#include "support/temp_dir.h"
#include "util/clock.h"

namespace aigen::testing {

// The real App, in-process on 127.0.0.1:0 with its own temp data dir and a
// fake clock, and a client to talk HTTP to it. Stopped when destroyed.
class TestApp {
 public:
  // `tweak` edits the config before start (backends, limits, ...). With no
  // backend added, the demo backend serves.
  explicit TestApp(const std::function<void(config::Config&)>& tweak = {},
                   const std::filesystem::path& data_dir = {});
  ~TestApp();

  httplib::Client Client() const;
  const std::string& url() const { return url_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  util::FakeClock& clock() { return clock_; }
  void Stop() { app_->Stop(); }

  // POST /api/generations; returns the response.
  httplib::Result Post(const nlohmann::json& body) const;
  // Submits and waits (over the SSE stream) for the final state.
  nlohmann::json Generate(const nlohmann::json& body) const;
  // Follows /events until a final status; returns the last event's JSON.
  nlohmann::json WaitFinal(const std::string& id) const;

  // SELECT COUNT(*) ... read straight from the SQLite file.
  int64_t Count(const std::string& sql) const;
  // Regular files under data_dir/subdir, recursively.
  size_t CountFiles(const std::string& subdir) const;

 private:
  TempDir temp_;
  std::filesystem::path data_dir_;
  util::FakeClock clock_;
  std::unique_ptr<App> app_;
  std::string url_;
};

nlohmann::json ParseJson(const std::string& text);

}  // namespace aigen::testing
