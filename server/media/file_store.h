#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace aigen::media {

// Files named by content hash under one root directory, sharded as
// "ab/cd/<sha256><ext>". Writes are atomic and durable: temp file in the same
// directory, fsync, rename, fsync the directory. Thread-safe (distinct
// contents never share a temp file; equal contents converge on one file).
class FileStore {
 public:
  // REQUIRES: root exists or can be created.
  explicit FileStore(std::filesystem::path root);

  // Stores `bytes` and returns the relative path ("ab/cd/abcd....png"). If the
  // same content is already stored, returns its path without rewriting.
  // `extension` is "" or "." plus 1..10 of [a-z0-9] (else InvalidArgument).
  // Errors: InsufficientStorage (ENOSPC/EDQUOT), Internal (other I/O).
  Result<std::string> Put(std::string_view bytes, std::string_view extension);

  // Removes the file at `relative` (and empty shard directories). A missing
  // file is not an error. InvalidArgument (reason "invalid_path") for
  // anything Resolve refuses.
  Status Remove(std::string_view relative);

  bool Exists(std::string_view relative) const;

  // Absolute path of `relative` (root() is made absolute at construction);
  // empty path when `relative` is not a well-formed store path, i.e. exactly
  // "ab/cd/<64 lower-case hex starting abcd><extension>": "..", absolute
  // paths and temp files are refused.
  std::filesystem::path Resolve(std::string_view relative) const;

  // Deletes leftover temp files (from a crash mid-write). Returns how many.
  // REQUIRES: no Put in flight (call at startup): it would delete that Put's
  // temp file and make it fail.
  size_t RemoveTempFiles();

  // Every stored file's relative path (temp files excluded).
  std::vector<std::string> List() const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

}  // namespace aigen::media
