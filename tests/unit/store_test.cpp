#include <catch2/catch.hpp>

#include "store/database.h"
#include "store/generation_store.h"
#include "support/temp_dir.h"
#include "web/assets.h"

using aigen::model::Generation;
using aigen::model::GenerationStatus;
using aigen::model::Image;
using aigen::store::Database;
using aigen::store::GenerationStore;
using aigen::testing::TempDir;

namespace {

constexpr const char* kSchema = R"(-- test schema
-- step 1: first
CREATE TABLE a (x INTEGER);
-- step 2: second
CREATE TABLE b (y INTEGER);
)";

Generation NewGeneration(const std::string& id, int64_t expires_at) {
  Generation g;
  g.id = id;
  g.backend = "demo";
  g.prompt = "p";
  g.width = g.height = 256;
  g.created_at = 1;
  g.expires_at = expires_at;
  return g;
}

Image NewImage(const std::string& id, const std::string& gen,
               const std::string& file, int position = 0) {
  Image img;
  img.position = position;
  img.id = id;
  img.generation_id = gen;
  img.file = file;
  img.thumb = "t" + file;
  img.width = img.height = 256;
  img.bytes = 10;
  img.seed = 7;
  return img;
}

}  // namespace

TEST_CASE("schema steps apply once, in order, recorded in user_version",
          "[store]") {
  TempDir dir;
  {
    auto db = Database::Open(dir.path() / "t.db", kSchema);
    REQUIRE(db.ok());
    CHECK((*db)->user_version() == 2);
  }
  // Reopening applies nothing again (CREATE TABLE would fail if it did).
  auto again = Database::Open(dir.path() / "t.db", kSchema);
  REQUIRE(again.ok());
  CHECK((*again)->user_version() == 2);
  // A later release appends a step; only that one runs.
  std::string next =
      std::string(kSchema) + "-- step 3: third\nCREATE TABLE c (z INTEGER);\n";
  auto upgraded = Database::Open(dir.path() / "t.db", next);
  REQUIRE(upgraded.ok());
  CHECK((*upgraded)->user_version() == 3);
}

TEST_CASE("a failing schema step leaves the database at the previous version",
          "[store]") {
  TempDir dir;
  std::string bad =
      std::string(kSchema) + "-- step 3: broken\nCREATE TABLE a (x INTEGER);\n";
  auto db = Database::Open(dir.path() / "t.db", bad);
  REQUIRE_FALSE(db.ok());
  CHECK(db.status().message().find("schema step 3") != std::string::npos);
  auto reopened = Database::Open(dir.path() / "t.db", kSchema);
  REQUIRE(reopened.ok());
  CHECK((*reopened)->user_version() == 2);
}

TEST_CASE("generations round-trip and finish atomically", "[store]") {
  TempDir dir;
  auto db =
      Database::Open(dir.path() / "aigen.db", aigen::web::EmbeddedSchema());
  REQUIRE(db.ok());
  GenerationStore store(**db);
  REQUIRE(store.Insert(NewGeneration("g1", 100)).ok());
  CHECK(store.Insert(NewGeneration("g1", 100)).code() !=
        aigen::Code::kOk);  // duplicate id

  auto missing = store.Get("nope");
  CHECK(missing.status().code() == aigen::Code::kNotFound);

  // Two images with the same id: the second insert fails, nothing is kept.
  auto failed =
      store.Finish("g1", GenerationStatus::kSucceeded, "", "", 5,
                   {NewImage("i1", "g1", "f1"), NewImage("i1", "g1", "f2", 1)});
  CHECK_FALSE(failed.ok());
  auto g = store.Get("g1");
  REQUIRE(g.ok());
  CHECK(g->status == GenerationStatus::kQueued);
  CHECK(g->images.empty());

  REQUIRE(store.MarkRunning("g1", 3).ok());
  REQUIRE(
      store
          .Finish("g1", GenerationStatus::kSucceeded, "", "", 5,
                  {NewImage("i1", "g1", "f1"), NewImage("i2", "g1", "f2", 1)})
          .ok());
  g = store.Get("g1");
  CHECK(g->status == GenerationStatus::kSucceeded);
  CHECK(g->started_at == 3);
  CHECK(g->finished_at == 5);
  REQUIRE(g->images.size() == 2);
  CHECK(g->images[1].file == "f2");
  CHECK(g->images[0].seed == 7);
}

TEST_CASE("expiry deletes rows and reports only files no row still uses",
          "[store]") {
  TempDir dir;
  auto db =
      Database::Open(dir.path() / "aigen.db", aigen::web::EmbeddedSchema());
  REQUIRE(db.ok());
  GenerationStore store(**db);
  REQUIRE(store.Insert(NewGeneration("old", 100)).ok());
  REQUIRE(store.Insert(NewGeneration("new", 200)).ok());
  REQUIRE(store
              .Finish("old", GenerationStatus::kSucceeded, "", "", 1,
                      {NewImage("a", "old", "shared"),
                       NewImage("b", "old", "only-old", 1)})
              .ok());
  REQUIRE(store
              .Finish("new", GenerationStatus::kSucceeded, "", "", 1,
                      {NewImage("c", "new", "shared")})
              .ok());
  auto none = store.DeleteExpired(99);
  REQUIRE(none.ok());
  CHECK(none->generations == 0);
  auto first = store.DeleteExpired(150);
  REQUIRE(first.ok());
  CHECK(first->generations == 1);
  CHECK(first->images == std::vector<std::string>{"only-old"});
  CHECK(first->thumbs == std::vector<std::string>{"tonly-old"});
  CHECK(store.Get("old").status().code() == aigen::Code::kNotFound);
  CHECK(store.GetImage("a").status().code() == aigen::Code::kNotFound);
  auto second = store.DeleteExpired(250);
  REQUIRE(second.ok());
  CHECK(second->images == std::vector<std::string>{"shared"});
}

TEST_CASE("unfinished generations are failed after a crash", "[store]") {
  TempDir dir;
  auto db =
      Database::Open(dir.path() / "aigen.db", aigen::web::EmbeddedSchema());
  REQUIRE(db.ok());
  GenerationStore store(**db);
  REQUIRE(store.Insert(NewGeneration("q", 100)).ok());
  REQUIRE(store.Insert(NewGeneration("r", 100)).ok());
  REQUIRE(store.MarkRunning("r", 2).ok());
  REQUIRE(store.Insert(NewGeneration("done", 100)).ok());
  REQUIRE(
      store.Finish("done", GenerationStatus::kSucceeded, "", "", 3, {}).ok());
  auto n = store.FailUnfinished(10, "restarted");
  REQUIRE(n.ok());
  CHECK(*n == 2);
  CHECK(store.Get("q")->status == GenerationStatus::kFailed);
  CHECK(store.Get("r")->error_code == "interrupted");
  CHECK(store.Get("done")->status == GenerationStatus::kSucceeded);
}
