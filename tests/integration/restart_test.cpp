// After a crash: the start-up sweep reconciles files and rows.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "integration/test_app.h"
#include "support/temp_dir.h"

using aigen::testing::ParseJson;
using aigen::testing::TempDir;
using aigen::testing::TestApp;
using nlohmann::json;

namespace {

// Runs SQL on the database file while no server has it open; returns the
// first column of the first row ("" when none).
std::string Sql(const std::filesystem::path& data, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((data / "aigen.db").c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  INFO(sql);
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  std::string out;
  int rc = sqlite3_step(stmt);
  REQUIRE((rc == SQLITE_ROW || rc == SQLITE_DONE));
  if (rc == SQLITE_ROW && sqlite3_column_text(stmt, 0)) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

}  // namespace

TEST_CASE("the start-up sweep removes strays and marks what is missing",
          "[restart]") {
  TempDir dir;
  const std::filesystem::path data = dir.path() / "data";
  std::string kept_url, lost_url, lost_image;
  {
    TestApp app({}, data);
    json kept =
        app.Generate({{"prompt", "kept"}, {"size", "small"}, {"seed", 1}});
    json lost =
        app.Generate({{"prompt", "lost"}, {"size", "small"}, {"seed", 2}});
    kept_url = kept["images"][0]["url"];
    lost_url = lost["images"][0]["url"];
    lost_image = lost["images"][0]["id"];
  }
  // What a crash (or a careless hand) leaves: a temp file, a file no row
  // refers to, a row whose file vanished, a generation that never finished.
  std::string lost_file =
      Sql(data, "SELECT file FROM images WHERE id = '" + lost_image + "'");
  REQUIRE(std::filesystem::remove(data / "images" / lost_file));
  std::filesystem::create_directories(data / "images/ab/cd");
  std::ofstream(data / "images/ab/cd/.tmp-abcd-123") << "partial";
  const std::string stray = "abcd" + std::string(60, '0') + ".png";
  std::ofstream(data / "images/ab/cd" / stray) << "orphan";
  Sql(data,
      "INSERT INTO generations (id, backend, prompt, width, height, n, status, "
      "created_at) "
      "VALUES ('0123456789abcdef01234567', 'demo', 'x', 256, 256, 1, "
      "'running', 1)");

  TestApp app({}, data);
  CHECK_FALSE(std::filesystem::exists(data / "images/ab/cd/.tmp-abcd-123"));
  CHECK_FALSE(std::filesystem::exists(data / "images/ab/cd" / stray));
  CHECK(app.Client().Get(kept_url)->status == 200);
  auto lost = app.Client().Get(lost_url);
  CHECK(lost->status == 404);
  CHECK(app.Count("SELECT COUNT(*) FROM images WHERE missing = 1") == 1);
  auto unfinished =
      app.Client().Get("/api/generations/0123456789abcdef01234567");
  json j = ParseJson(unfinished->body);
  CHECK(j["status"] == "failed");
  CHECK(j["error"]["code"] == "interrupted");
  // The server goes on generating.
  CHECK(app.Generate({{"prompt", "after"}, {"size", "small"}})["status"] ==
        "succeeded");
}
