#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "gen/backend.h"
#include "media/file_store.h"
#include "model/generation.h"
#include "store/generation_store.h"
#include "util/clock.h"
#include "util/status.h"

namespace aigen::jobs {

// Where generated images become files and rows. Files are content-addressed,
// so two rows may share one file: a mutex serialises "write files, commit
// rows" against "delete rows, remove unreferenced files", so a file is never
// removed while a row that is about to refer to it is being committed.
// Thread-safe.
class ImageStorage {
 public:
  ImageStorage(media::FileStore& images, media::FileStore& thumbs,
               store::GenerationStore& store, const util::Clock& clock)
      : images_(images), thumbs_(thumbs), store_(store), clock_(clock) {}

  // Validates every image (PNG/JPEG, sane size and dimensions), writes it and
  // its thumbnail durably, then finishes generation `id` as succeeded with
  // their rows in one transaction. On any failure no new file or row remains.
  // Errors: BadGateway (reason "invalid_image") when a backend's bytes are not
  // a usable image; InsufficientStorage; Internal.
  Result<std::vector<model::Image>> StoreSucceeded(
      const std::string& id, const std::vector<gen::GeneratedImage>& images);

  // Deletes expired generations and the files only they used. Returns how
  // many generations were deleted.
  Result<size_t> DeleteExpired();

  // The start-up sweep after a crash: removes temp files and files no row
  // refers to, marks rows whose file is missing, and fails generations left
  // queued or running.
  Status Sweep();

 private:
  void RemoveUnreferenced(const std::vector<std::string>& files,
                          const std::vector<std::string>& thumbs);

  media::FileStore& images_;
  media::FileStore& thumbs_;
  store::GenerationStore& store_;
  const util::Clock& clock_;
  std::mutex mutex_;
};

}  // namespace aigen::jobs
