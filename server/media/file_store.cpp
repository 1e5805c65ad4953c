#include "media/file_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <system_error>

#include "util/encoding.h"

namespace aigen::media {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTempPrefix = ".tmp-";
constexpr size_t kHashLength = 64;
constexpr size_t kMaxExtensionLength = 10;
// Put retries when a concurrent Remove deletes the (empty) shard directory
// between our mkdir and our open.
constexpr int kPutAttempts = 3;

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

// "" or "." followed by 1..10 lower-case letters or digits: nothing that could
// carry a separator, a dot-dot or shell-hostile bytes into a file name.
bool IsValidExtension(std::string_view ext) {
  if (ext.empty()) return true;
  if (ext.size() < 2 || ext.size() > kMaxExtensionLength + 1 || ext[0] != '.')
    return false;
  return std::all_of(ext.begin() + 1, ext.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
}

// Accepts exactly "ab/cd/abcd<60 more hex><ext>": a whitelist, so "..",
// absolute paths, backslashes and temp files are all refused by construction.
bool IsStorePath(std::string_view rel) {
  if (rel.size() < 6 + kHashLength || rel[2] != '/' || rel[5] != '/')
    return false;
  std::string_view name = rel.substr(6);
  std::string_view hash = name.substr(0, kHashLength);
  return IsLowerHex(hash) && rel.substr(0, 2) == hash.substr(0, 2) &&
         rel.substr(3, 2) == hash.substr(2, 2) &&
         IsValidExtension(name.substr(kHashLength));
}

Status ErrnoStatus(int err, std::string_view what, const fs::path& path) {
  std::string message =
      std::string(what) + " " + path.string() + ": " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) {
    return Status::InsufficientStorage(std::move(message),
                                       "insufficient_storage");
  }
  return Status::Internal(std::move(message));
}

// Owns a file descriptor; closes it on every path out.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // close() can report a deferred write error (NFS, quota); surface it.
  int Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

// A rename or a new entry is durable only once its directory is synced.
Status SyncDirectory(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoStatus(errno, "open directory", dir);
  if (::fsync(fd.get()) != 0) return ErrnoStatus(errno, "fsync directory", dir);
  return Status::Ok();
}

Status WriteAll(int fd, std::string_view bytes, const fs::path& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "write", path);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

// Writes `bytes` to a fresh temp file beside `target`, syncs it and renames
// it over `target`. Each writer has its own temp name, so concurrent writers
// of the same content never interleave; the last rename wins, intact.
// Returns the errno of a failed open separately so the caller can retry.
Status WriteAtomically(const fs::path& target, std::string_view bytes,
                       int* open_errno) {
  std::string suffix;
  try {
    suffix = util::RandomHex(8);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("temp file name: ") + e.what());
  }
  fs::path temp =
      target.parent_path() /
      (std::string(kTempPrefix) + target.filename().string() + "-" + suffix);
  Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (fd.get() < 0) {
    *open_errno = errno;
    return ErrnoStatus(errno, "create", temp);
  }
  Status status = WriteAll(fd.get(), bytes, temp);
  if (status.ok() && ::fsync(fd.get()) != 0)
    status = ErrnoStatus(errno, "fsync", temp);
  if (status.ok() && fd.Close() != 0)
    status = ErrnoStatus(errno, "close", temp);
  if (status.ok() && ::rename(temp.c_str(), target.c_str()) != 0) {
    status = ErrnoStatus(errno, "rename", temp);
  }
  if (!status.ok()) ::unlink(temp.c_str());
  return status;
}

// True when `path` already holds `size` bytes. Files only appear under their
// final name through rename, so a present file is complete; the size check
// guards against one truncated by something outside the store.
bool AlreadyStored(const fs::path& path, size_t size) {
  std::error_code ec;
  auto existing = fs::file_size(path, ec);
  return !ec && existing == size;
}

}  // namespace

FileStore::FileStore(fs::path root) : root_(std::move(root)) {
  // Failures here surface as errors from the first Put.
  std::error_code ec;
  fs::path absolute = fs::absolute(root_, ec);
  if (!ec) root_ = absolute.lexically_normal();
  fs::create_directories(root_, ec);
}

Result<std::string> FileStore::Put(std::string_view bytes,
                                   std::string_view extension) {
  if (!IsValidExtension(extension)) {
    return Status::InvalidArgument("invalid file extension \"" +
                                   std::string(extension) + "\"");
  }
  std::string hash = util::Sha256Hex(bytes);
  std::string rel = hash.substr(0, 2) + "/" + hash.substr(2, 2) + "/" + hash +
                    std::string(extension);
  fs::path target = root_ / rel;
  if (AlreadyStored(target, bytes.size())) return rel;

  fs::path dir = target.parent_path();
  Status status;
  for (int attempt = 0; attempt < kPutAttempts; ++attempt) {
    std::error_code ec;
    bool created = fs::create_directories(dir, ec);
    if (ec) return ErrnoStatus(ec.value(), "create directory", dir);
    int open_errno = 0;
    status = WriteAtomically(target, bytes, &open_errno);
    if (open_errno == ENOENT) continue;  // shard dir removed under us
    if (!status.ok()) return status;
    status = SyncDirectory(dir);
    // New shard directories must themselves be recorded in their parents.
    if (status.ok() && created) status = SyncDirectory(dir.parent_path());
    if (status.ok() && created) status = SyncDirectory(root_);
    if (!status.ok()) return status;
    return rel;
  }
  return status;
}

Status FileStore::Remove(std::string_view relative) {
  if (!IsStorePath(relative)) {
    return Status::InvalidArgument(
        "not a store path: \"" + std::string(relative) + "\"", "invalid_path");
  }
  fs::path path = root_ / relative;
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return ErrnoStatus(errno, "remove", path);
  }
  // rmdir only succeeds on empty directories, which is exactly the condition
  // we want; a concurrent Put refilling the shard makes it fail harmlessly.
  fs::path shard = path.parent_path();
  if (::rmdir(shard.c_str()) == 0) ::rmdir(shard.parent_path().c_str());
  return Status::Ok();
}

bool FileStore::Exists(std::string_view relative) const {
  fs::path path = Resolve(relative);
  if (path.empty()) return false;
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

fs::path FileStore::Resolve(std::string_view relative) const {
  if (!IsStorePath(relative)) return {};
  return root_ / relative;
}

size_t FileStore::RemoveTempFiles() {
  std::error_code ec;
  std::vector<fs::path> temps;
  for (auto it = fs::recursive_directory_iterator(root_, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;  // a vanished entry must not end the walk
    if (it->path().filename().string().starts_with(kTempPrefix) &&
        it->is_regular_file(type_ec)) {
      temps.push_back(it->path());
    }
  }
  // Collected first: deleting while iterating a directory is unspecified.
  size_t removed = 0;
  for (const fs::path& temp : temps) {
    if (::unlink(temp.c_str()) == 0) ++removed;
  }
  return removed;
}

std::vector<std::string> FileStore::List() const {
  std::error_code ec;
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(root_, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::string rel = it->path().lexically_relative(root_).generic_string();
    std::error_code type_ec;  // a vanished entry must not end the walk
    if (IsStorePath(rel) && it->is_regular_file(type_ec))
      files.push_back(std::move(rel));
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace aigen::media
