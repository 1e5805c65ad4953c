#include "jobs/image_storage.h"

#include <algorithm>
#include <unordered_set>

#include "media/image.h"
#include "util/encoding.h"
#include "util/log.h"

namespace aigen::jobs {
namespace {

struct Prepared {
  model::Image row;
  std::string_view bytes;  // the backend's, which outlive the Prepared
  std::string thumb_bytes;
};

Result<Prepared> Prepare(const std::string& generation_id, int position,
                         const gen::GeneratedImage& image, int64_t now) {
  auto decoded = media::DecodeImage(image.bytes);
  if (!decoded.ok()) {
    return Status::BadGateway(
        "the backend returned an unusable image: " + decoded.status().message(),
        "invalid_image");
  }
  auto thumb = media::MakeThumbnail(*decoded);
  if (!thumb.ok()) return thumb.status();
  Prepared p;
  p.row.id = util::RandomHex(12);
  p.row.generation_id = generation_id;
  p.row.position = position;
  p.row.format = decoded->format == media::Format::kJpeg
                     ? model::ImageFormat::kJpeg
                     : model::ImageFormat::kPng;
  p.row.width = decoded->width;
  p.row.height = decoded->height;
  p.row.bytes = static_cast<int64_t>(image.bytes.size());
  if (image.seed >= 0) p.row.seed = image.seed;
  p.row.revised_prompt = image.revised_prompt;
  p.row.created_at = now;
  p.bytes = image.bytes;  // a view: images can be 32 MiB each
  p.thumb_bytes = std::move(*thumb);
  return p;
}

}  // namespace

Result<std::vector<model::Image>> ImageStorage::StoreSucceeded(
    const std::string& id, const std::vector<gen::GeneratedImage>& images) {
  if (images.empty()) {
    return Status::BadGateway("the backend returned no image", "invalid_image");
  }
  int64_t now = util::UnixSeconds(clock_.Now());
  // Decoding is the expensive part: do it before taking the lock.
  std::vector<Prepared> prepared;
  for (size_t i = 0; i < images.size(); ++i) {
    auto p = Prepare(id, static_cast<int>(i), images[i], now);
    if (!p.ok()) return p.status();
    prepared.push_back(std::move(*p));
  }
  std::lock_guard lock(mutex_);
  std::vector<model::Image> rows;
  std::vector<std::string> written, written_thumbs;
  Status failure;
  for (Prepared& p : prepared) {
    auto format = p.row.format == model::ImageFormat::kJpeg
                      ? media::Format::kJpeg
                      : media::Format::kPng;
    auto file = images_.Put(p.bytes, media::Extension(format));
    if (!file.ok()) {
      failure = file.status();
      break;
    }
    written.push_back(*file);
    auto thumb = thumbs_.Put(p.thumb_bytes, ".jpg");
    if (!thumb.ok()) {
      failure = thumb.status();
      break;
    }
    written_thumbs.push_back(*thumb);
    p.row.file = *file;
    p.row.thumb = *thumb;
    rows.push_back(p.row);
  }
  if (failure.ok()) {
    failure = store_.Finish(id, model::GenerationStatus::kSucceeded, "", "",
                            now, rows);
    if (failure.ok()) return rows;
  }
  RemoveUnreferenced(written, written_thumbs);
  return failure;
}

void ImageStorage::RemoveUnreferenced(const std::vector<std::string>& files,
                                      const std::vector<std::string>& thumbs) {
  for (const auto& f : files) {
    auto used = store_.IsFileReferenced(f);
    if (used.ok() && !*used) (void)images_.Remove(f);
  }
  for (const auto& t : thumbs) {
    auto used = store_.IsThumbReferenced(t);
    if (used.ok() && !*used) (void)thumbs_.Remove(t);
  }
}

Result<size_t> ImageStorage::DeleteExpired() {
  std::lock_guard lock(mutex_);
  auto orphans = store_.DeleteExpired(util::UnixSeconds(clock_.Now()));
  if (!orphans.ok()) return orphans.status();
  for (const auto& f : orphans->images) (void)images_.Remove(f);
  for (const auto& t : orphans->thumbs) (void)thumbs_.Remove(t);
  return orphans->generations;
}

Status ImageStorage::Sweep() {
  std::lock_guard lock(mutex_);
  size_t temps = images_.RemoveTempFiles() + thumbs_.RemoveTempFiles();
  auto failed = store_.FailUnfinished(
      util::UnixSeconds(clock_.Now()),
      "the server restarted before this generation finished");
  if (!failed.ok()) return failed.status();
  auto files = store_.ReferencedFiles();
  auto thumbs = store_.ReferencedThumbs();
  if (!files.ok()) return files.status();
  if (!thumbs.ok()) return thumbs.status();
  size_t removed = 0;
  auto remove_unlisted = [&](media::FileStore& fs,
                             const std::vector<std::string>& keep) {
    std::unordered_set<std::string> referenced(keep.begin(), keep.end());
    std::vector<std::string> present = fs.List();
    for (const auto& f : present) {
      if (!referenced.count(f) && fs.Remove(f).ok()) ++removed;
    }
    return present;
  };
  std::vector<std::string> present = remove_unlisted(images_, *files);
  remove_unlisted(thumbs_, *thumbs);
  auto missing = store_.MarkMissing(present);
  if (!missing.ok()) return missing.status();
  if (temps + removed + *failed + *missing > 0) {
    util::LogWarn("start-up sweep: removed " + std::to_string(temps) +
                  " temp files and " + std::to_string(removed) +
                  " unreferenced files, failed " + std::to_string(*failed) +
                  " interrupted generations, marked " +
                  std::to_string(*missing) + " images missing");
  }
  return Status::Ok();
}

}  // namespace aigen::jobs
