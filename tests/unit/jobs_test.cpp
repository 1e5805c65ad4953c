// ImageStorage and JobQueue against a real SQLite file and data directory.
#include <catch2/catch.hpp>
#include <filesystem>

#include "gen/demo_backend.h"
#include "jobs/image_storage.h"
#include "jobs/job_queue.h"
#include "media/file_store.h"
#include "store/database.h"
#include "store/generation_store.h"
#include "support/image_fixtures.h"
#include "support/temp_dir.h"
#include "web/assets.h"

namespace aigen::jobs {
namespace {

using model::GenerationStatus;

std::unique_ptr<store::Database> OpenDatabase(
    const std::filesystem::path& path) {
  auto opened = store::Database::Open(path, web::EmbeddedSchema());
  REQUIRE(opened.ok());
  return std::move(*opened);
}

// The storage stack the App builds, in a temp dir, with a fake clock.
struct Fixture {
  testing::TempDir dir;
  util::FakeClock clock;
  std::unique_ptr<store::Database> db = OpenDatabase(dir.path() / "aigen.db");
  store::GenerationStore store{*db};
  media::FileStore images{dir.path() / "images"};
  media::FileStore thumbs{dir.path() / "thumbs"};
  ImageStorage storage{images, thumbs, store, clock};

  std::string Insert(const std::string& id, int64_t expires_in) {
    model::Generation g;
    g.id = id;
    g.backend = "demo";
    g.prompt = "p";
    g.width = g.height = 64;
    g.created_at = util::UnixSeconds(clock.Now());
    g.expires_at = g.created_at + expires_in;
    REQUIRE(store.Insert(g).ok());
    return id;
  }
};

gen::GeneratedImage Png(int side, uint8_t shade) {
  gen::GeneratedImage img;
  img.bytes = testing::MakePng(side, side, shade, shade, shade);
  img.seed = 9;
  return img;
}

}  // namespace

TEST_CASE("stored images get files and rows together", "[jobs]") {
  Fixture f;
  f.Insert("g1", 3600);
  auto rows = f.storage.StoreSucceeded("g1", {Png(64, 10), Png(32, 20)});
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  CHECK(f.images.Exists((*rows)[0].file));
  CHECK(f.thumbs.Exists((*rows)[1].thumb));
  auto g = f.store.Get("g1");
  CHECK(g->status == GenerationStatus::kSucceeded);
  CHECK(g->images.size() == 2);
  CHECK(g->images[1].width == 32);
  CHECK(g->images[0].seed == 9);
}

TEST_CASE("an unusable image leaves no file and no row", "[jobs]") {
  Fixture f;
  f.Insert("g1", 3600);
  gen::GeneratedImage garbage;
  garbage.bytes = "<html>not an image</html>";
  auto rows = f.storage.StoreSucceeded("g1", {Png(64, 10), garbage});
  REQUIRE_FALSE(rows.ok());
  CHECK(rows.status().reason() == "invalid_image");
  CHECK(f.images.List().empty());
  CHECK(f.thumbs.List().empty());
  CHECK(f.store.Get("g1")->status == GenerationStatus::kQueued);
  CHECK(f.store.Get("g1")->images.empty());
}

TEST_CASE("a failed commit removes the files it wrote", "[jobs]") {
  Fixture f;  // no generation row: the images' foreign key fails
  auto rows = f.storage.StoreSucceeded("missing", {Png(64, 10)});
  REQUIRE_FALSE(rows.ok());
  CHECK(f.images.List().empty());
  CHECK(f.thumbs.List().empty());
}

TEST_CASE("expiry removes rows, then the files only they used", "[jobs]") {
  Fixture f;
  f.Insert("short", 60);
  f.Insert("long", 7200);
  REQUIRE(f.storage.StoreSucceeded("short", {Png(64, 1), Png(64, 2)}).ok());
  REQUIRE(f.storage.StoreSucceeded("long", {Png(64, 2)}).ok());  // shares one
  CHECK(f.images.List().size() == 2);
  CHECK(*f.storage.DeleteExpired() == 0);
  f.clock.Advance(std::chrono::minutes(2));
  CHECK(*f.storage.DeleteExpired() == 1);
  CHECK(f.images.List().size() == 1);  // the shared file stays
  CHECK(f.store.Get("long")->images.size() == 1);
  CHECK(f.images.Exists(f.store.Get("long")->images[0].file));
  f.clock.Advance(std::chrono::hours(3));
  CHECK(*f.storage.DeleteExpired() == 1);
  CHECK(f.images.List().empty());
  CHECK(f.thumbs.List().empty());
}

TEST_CASE("the queue runs jobs, reports positions and refuses when full",
          "[jobs]") {
  Fixture f;
  config::BackendConfig bc;
  bc.name = "demo";
  bc.type = "demo";
  std::vector<std::unique_ptr<gen::Backend>> list;
  list.push_back(std::make_unique<gen::DemoBackend>(bc));
  BackendRegistry backends(std::move(list), "");
  JobQueue queue(backends, f.store, f.storage, f.clock,
                 {.max_queue = 2, .expire_after = std::chrono::hours(1)});
  NewGeneration request;
  request.backend = "demo";
  request.request.prompt = "a red sunset over the ocean";
  request.request.width = request.request.height = 64;
  // Not started: jobs wait, so positions and the bound are exact.
  auto first = queue.Submit(request);
  auto second = queue.Submit(request);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(first->queue_position == 1);
  CHECK(second->queue_position == 2);
  auto third = queue.Submit(request);
  CHECK(third.status().reason() == "queue_full");
  request.backend = "nope";
  CHECK(queue.Submit(request).status().reason() == "unknown_backend");

  REQUIRE(queue.Cancel(first->generation.id).ok());
  CHECK(queue.Get(second->generation.id)->queue_position == 1);
  queue.Start();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  auto view = queue.Get(second->generation.id);
  while (view.ok() && !model::IsFinal(view->generation.status)) {
    view = queue.WaitForChange(second->generation.id, view->version, deadline);
  }
  REQUIRE(view.ok());
  CHECK(view->generation.status == GenerationStatus::kSucceeded);
  CHECK(view->generation.images.size() == 1);
  CHECK(queue.Get(first->generation.id)->generation.status ==
        GenerationStatus::kCanceled);
  CHECK(queue.Cancel(second->generation.id).status().reason() ==
        "already_finished");
  // Expired generations read as gone at once, before the janitor runs.
  f.clock.Advance(std::chrono::hours(2));
  CHECK(queue.Get(second->generation.id).status().code() == Code::kNotFound);
}

}  // namespace aigen::jobs
