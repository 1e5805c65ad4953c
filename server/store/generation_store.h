#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/generation.h"
#include "store/database.h"
#include "util/status.h"

namespace aigen::store {

// The generations and images tables. Every method takes the database lock
// for its own duration. Thread-safe.
class GenerationStore {
 public:
  explicit GenerationStore(Database& db) : db_(db) {}

  // Inserts a new generation (status as given, images ignored).
  Status Insert(const model::Generation& g);

  Status MarkRunning(const std::string& id, int64_t started_at);

  // Sets the final status, error and finish time, and inserts `images`, in one
  // transaction: either all of it is stored or none.
  Status Finish(const std::string& id, model::GenerationStatus status,
                const std::string& error_code, const std::string& error_message,
                int64_t finished_at, const std::vector<model::Image>& images);

  // The generation with its images. NotFound when there is none.
  Result<model::Generation> Get(const std::string& id);

  // Deletes generations whose expires_at <= now (their images go with them by
  // cascade). Returns the image and thumbnail files no remaining row refers to,
  // for the caller to delete after the rows are gone.
  struct OrphanFiles {
    std::vector<std::string> images;
    std::vector<std::string> thumbs;
    size_t generations = 0;
  };
  Result<OrphanFiles> DeleteExpired(int64_t now);

  // Marks generations left queued or running by a crash as failed.
  // Returns how many.
  Result<int> FailUnfinished(int64_t now, const std::string& message);

  // Every file and thumb path that some image row refers to.
  Result<std::vector<std::string>> ReferencedFiles();
  Result<std::vector<std::string>> ReferencedThumbs();

  // Whether any image row refers to this image file / thumbnail.
  Result<bool> IsFileReferenced(const std::string& file);
  Result<bool> IsThumbReferenced(const std::string& thumb);

  // Sets images.missing for every row whose file is not in `present`.
  // Returns how many rows changed.
  Result<int> MarkMissing(const std::vector<std::string>& present_files);

  Result<model::Image> GetImage(const std::string& image_id);

 private:
  Result<std::vector<model::Image>> LoadImages(
      const std::string& generation_id);
  Result<std::vector<std::string>> Column(const char* sql);
  // REQUIRES: the database lock is held.
  Result<bool> ReferencedLocked(const char* sql, const std::string& path);

  Database& db_;
};

}  // namespace aigen::store
