#include "store/generation_store.h"

#include <unordered_set>

namespace aigen::store {
namespace {

using model::Generation;
using model::Image;

constexpr char kImageColumns[] =
    "id, generation_id, position, file, thumb, format, width, height, bytes, "
    "seed, "
    "revised_prompt, missing, created_at";

constexpr char kFileReferenced[] =
    "SELECT 1 FROM images WHERE file = ? LIMIT 1";
constexpr char kThumbReferenced[] =
    "SELECT 1 FROM images WHERE thumb = ? LIMIT 1";

Image ReadImage(const Statement& s) {
  Image img;
  img.id = s.Text(0);
  img.generation_id = s.Text(1);
  img.position = static_cast<int>(s.Int(2));
  img.file = s.Text(3);
  img.thumb = s.Text(4);
  img.format = s.Text(5) == "jpeg" ? model::ImageFormat::kJpeg
                                   : model::ImageFormat::kPng;
  img.width = static_cast<int>(s.Int(6));
  img.height = static_cast<int>(s.Int(7));
  img.bytes = s.Int(8);
  img.seed = s.OptionalInt(9);
  img.revised_prompt = s.Text(10);
  img.missing = s.Int(11) != 0;
  img.created_at = s.Int(12);
  return img;
}

Status InsertImage(Database& db, const Image& img) {
  auto stmt = db.Prepare(
      "INSERT INTO images (id, generation_id, position, file, thumb, format, "
      "width, height, "
      "bytes, seed, revised_prompt, created_at) VALUES "
      "(?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, img.id)
      .Bind(2, img.generation_id)
      .Bind(3, int64_t{img.position});
  stmt->Bind(4, img.file).Bind(5, img.thumb);
  stmt->Bind(6, img.format == model::ImageFormat::kJpeg ? "jpeg" : "png");
  stmt->Bind(7, int64_t{img.width})
      .Bind(8, int64_t{img.height})
      .Bind(9, img.bytes);
  stmt->Bind(10, img.seed)
      .Bind(11, img.revised_prompt)
      .Bind(12, img.created_at);
  return stmt->Run();
}

}  // namespace

Status GenerationStore::Insert(const Generation& g) {
  auto lock = db_.Lock();
  auto stmt = db_.Prepare(
      "INSERT INTO generations (id, backend, prompt, negative_prompt, width, "
      "height, n, seed, "
      "status, client_ip, created_at, expires_at) VALUES "
      "(?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, g.id)
      .Bind(2, g.backend)
      .Bind(3, g.prompt)
      .Bind(4, g.negative_prompt);
  stmt->Bind(5, int64_t{g.width})
      .Bind(6, int64_t{g.height})
      .Bind(7, int64_t{g.n});
  stmt->Bind(8, g.seed)
      .Bind(9, model::ToString(g.status))
      .Bind(10, g.client_ip);
  stmt->Bind(11, g.created_at).Bind(12, g.expires_at);
  return stmt->Run();
}

Status GenerationStore::MarkRunning(const std::string& id, int64_t started_at) {
  auto lock = db_.Lock();
  auto stmt = db_.Prepare(
      "UPDATE generations SET status = 'running', started_at = ? WHERE id = ? "
      "AND status = 'queued'");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, started_at).Bind(2, id);
  return stmt->Run();
}

Status GenerationStore::Finish(const std::string& id,
                               model::GenerationStatus status,
                               const std::string& error_code,
                               const std::string& error_message,
                               int64_t finished_at,
                               const std::vector<Image>& images) {
  auto lock = db_.Lock();
  Transaction tx(db_);
  if (!tx.status().ok()) return tx.status();
  auto stmt = db_.Prepare(
      "UPDATE generations SET status = ?, error_code = ?, error_message = ?, "
      "finished_at = ? "
      "WHERE id = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, model::ToString(status));
  if (error_code.empty())
    stmt->BindNull(2).BindNull(3);
  else
    stmt->Bind(2, error_code).Bind(3, error_message);
  stmt->Bind(4, finished_at).Bind(5, id);
  if (Status s = stmt->Run(); !s.ok()) return s;
  for (const Image& img : images) {
    if (Status s = InsertImage(db_, img); !s.ok()) return s;
  }
  return tx.Commit();
}

Result<Generation> GenerationStore::Get(const std::string& id) {
  auto lock = db_.Lock();
  auto stmt = db_.Prepare(
      "SELECT id, backend, prompt, negative_prompt, width, height, n, seed, "
      "status, "
      "COALESCE(error_code, ''), COALESCE(error_message, ''), client_ip, "
      "created_at, "
      "started_at, finished_at, expires_at FROM generations WHERE id = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, id);
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no generation " + id, "not_found");
  Generation g;
  g.id = stmt->Text(0);
  g.backend = stmt->Text(1);
  g.prompt = stmt->Text(2);
  g.negative_prompt = stmt->Text(3);
  g.width = static_cast<int>(stmt->Int(4));
  g.height = static_cast<int>(stmt->Int(5));
  g.n = static_cast<int>(stmt->Int(6));
  g.seed = stmt->OptionalInt(7);
  g.status = model::ParseGenerationStatus(stmt->Text(8))
                 .value_or(model::GenerationStatus::kFailed);
  g.error_code = stmt->Text(9);
  g.error_message = stmt->Text(10);
  g.client_ip = stmt->Text(11);
  g.created_at = stmt->Int(12);
  g.started_at = stmt->OptionalInt(13);
  g.finished_at = stmt->OptionalInt(14);
  g.expires_at = stmt->OptionalInt(15);
  auto images = LoadImages(id);
  if (!images.ok()) return images.status();
  g.images = std::move(*images);
  return g;
}

Result<std::vector<Image>> GenerationStore::LoadImages(
    const std::string& generation_id) {
  auto stmt =
      db_.Prepare(std::string("SELECT ") + kImageColumns +
                  " FROM images WHERE generation_id = ? ORDER BY position");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, generation_id);
  std::vector<Image> images;
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return images;
    images.push_back(ReadImage(*stmt));
  }
}

Result<Image> GenerationStore::GetImage(const std::string& image_id) {
  auto lock = db_.Lock();
  auto stmt = db_.Prepare(std::string("SELECT ") + kImageColumns +
                          " FROM images WHERE id = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, image_id);
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no image " + image_id, "not_found");
  return ReadImage(*stmt);
}

Result<GenerationStore::OrphanFiles> GenerationStore::DeleteExpired(
    int64_t now) {
  auto lock = db_.Lock();
  Transaction tx(db_);
  if (!tx.status().ok()) return tx.status();
  OrphanFiles out;
  {
    auto stmt = db_.Prepare(
        "SELECT i.file, i.thumb FROM images i JOIN generations g ON g.id = "
        "i.generation_id "
        "WHERE g.expires_at <= ?");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, now);
    for (;;) {
      auto row = stmt->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      out.images.push_back(stmt->Text(0));
      out.thumbs.push_back(stmt->Text(1));
    }
  }
  auto del = db_.Prepare("DELETE FROM generations WHERE expires_at <= ?");
  if (!del.ok()) return del.status();
  del->Bind(1, now);
  if (Status s = del->Run(); !s.ok()) return s;
  auto changes = db_.Prepare("SELECT changes()");
  if (changes.ok() && changes->Step().ok())
    out.generations = static_cast<size_t>(changes->Int(0));
  if (Status s = tx.Commit(); !s.ok()) return s;
  // Content-addressed files may be shared with rows that remain; when unsure,
  // keep the file.
  std::erase_if(out.images, [&](const std::string& f) {
    auto used = ReferencedLocked(kFileReferenced, f);
    return !used.ok() || *used;
  });
  std::erase_if(out.thumbs, [&](const std::string& f) {
    auto used = ReferencedLocked(kThumbReferenced, f);
    return !used.ok() || *used;
  });
  return out;
}

Result<int> GenerationStore::FailUnfinished(int64_t now,
                                            const std::string& message) {
  auto lock = db_.Lock();
  auto stmt = db_.Prepare(
      "UPDATE generations SET status = 'failed', error_code = 'interrupted', "
      "error_message = ?, "
      "finished_at = ? WHERE status IN ('queued', 'running')");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, message).Bind(2, now);
  if (Status s = stmt->Run(); !s.ok()) return s;
  auto changes = db_.Prepare("SELECT changes()");
  if (!changes.ok()) return changes.status();
  (void)changes->Step();
  return static_cast<int>(changes->Int(0));
}

Result<std::vector<std::string>> GenerationStore::Column(const char* sql) {
  auto lock = db_.Lock();
  auto stmt = db_.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  std::vector<std::string> out;
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.push_back(stmt->Text(0));
  }
}

Result<std::vector<std::string>> GenerationStore::ReferencedFiles() {
  return Column("SELECT DISTINCT file FROM images");
}

Result<std::vector<std::string>> GenerationStore::ReferencedThumbs() {
  return Column("SELECT DISTINCT thumb FROM images");
}

Result<bool> GenerationStore::ReferencedLocked(const char* sql,
                                               const std::string& path) {
  auto q = db_.Prepare(sql);
  if (!q.ok()) return q.status();
  q->Bind(1, path);
  return q->Step();
}

Result<bool> GenerationStore::IsFileReferenced(const std::string& file) {
  auto lock = db_.Lock();
  return ReferencedLocked(kFileReferenced, file);
}

Result<bool> GenerationStore::IsThumbReferenced(const std::string& thumb) {
  auto lock = db_.Lock();
  return ReferencedLocked(kThumbReferenced, thumb);
}

Result<int> GenerationStore::MarkMissing(
    const std::vector<std::string>& present_files) {
  std::unordered_set<std::string> present(present_files.begin(),
                                          present_files.end());
  auto all =
      Column("SELECT id || char(9) || file FROM images WHERE missing = 0");
  if (!all.ok()) return all.status();
  auto lock = db_.Lock();
  int changed = 0;
  for (const std::string& row : *all) {
    size_t tab = row.find('\t');
    if (present.count(row.substr(tab + 1))) continue;
    auto stmt = db_.Prepare("UPDATE images SET missing = 1 WHERE id = ?");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, row.substr(0, tab));
    if (Status s = stmt->Run(); !s.ok()) return s;
    ++changed;
  }
  return changed;
}

}  // namespace aigen::store
