#include "integration/test_app.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>

namespace aigen::testing {

nlohmann::json ParseJson(const std::string& text) {
  auto doc = nlohmann::json::parse(text, nullptr, false);
  INFO("body: " << text);
  REQUIRE_FALSE(doc.is_discarded());
  return doc;
}

TestApp::TestApp(const std::function<void(config::Config&)>& tweak,
                 const std::filesystem::path& data_dir)
    : data_dir_(data_dir.empty() ? temp_.path() / "data" : data_dir) {
  config::Config config;
  config.listen = {"127.0.0.1:0"};
  config.data_dir = data_dir_;
  config.log_level = "warn";
  config.generation.anonymous = true;
  config.limits.generate = "1000/hour";
  if (tweak) tweak(config);
  if (config.backends.empty()) {
    config::BackendConfig demo;
    demo.name = "demo";
    demo.type = "demo";
    config.backends.push_back(demo);
  }
  auto app = App::Create(config, AppOptions{&clock_});
  INFO(app.status().ToString());
  REQUIRE(app.ok());
  app_ = std::move(*app);
  Status started = app_->Start();
  INFO(started.ToString());
  REQUIRE(started.ok());
  url_ = app_->urls().front();
}

TestApp::~TestApp() { app_->Stop(); }

httplib::Client TestApp::Client() const {
  httplib::Client client(url_);
  client.set_connection_timeout(5);
  client.set_read_timeout(60);
  return client;
}

httplib::Result TestApp::Post(const nlohmann::json& body) const {
  return Client().Post("/api/generations", body.dump(), "application/json");
}

nlohmann::json TestApp::WaitFinal(const std::string& id) const {
  std::string buffer;
  nlohmann::json last;
  auto client = Client();
  auto res = client.Get(
      "/api/generations/" + id + "/events", [&](const char* data, size_t n) {
        buffer.append(data, n);
        size_t end;
        while ((end = buffer.find("\n\n")) != std::string::npos) {
          std::string event = buffer.substr(0, end);
          buffer.erase(0, end + 2);
          size_t data_at = event.find("data: ");
          if (data_at == std::string::npos) continue;
          last = nlohmann::json::parse(event.substr(data_at + 6));
        }
        return true;
      });
  REQUIRE(res);
  REQUIRE(res->status == 200);
  REQUIRE(last.is_object());
  return last;
}

nlohmann::json TestApp::Generate(const nlohmann::json& body) const {
  auto res = Post(body);
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 202);
  return WaitFinal(ParseJson(res->body)["id"]);
}

int64_t TestApp::Count(const std::string& sql) const {
  sqlite3* db = nullptr;
  std::string path = (data_dir_ / "aigen.db").string();
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
          SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  int64_t n = -1;
  if (rc == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
    n = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  INFO(sql);
  REQUIRE(n >= 0);
  return n;
}

size_t TestApp::CountFiles(const std::string& subdir) const {
  size_t n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(
           data_dir_ / subdir, ec);
       it != std::filesystem::recursive_directory_iterator(); ++it) {
    if (it->is_regular_file()) ++n;
  }
  return n;
}

}  // namespace aigen::testing
