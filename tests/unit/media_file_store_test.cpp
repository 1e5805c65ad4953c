#include <catch2/catch.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "media/file_store.h"
#include "support/temp_dir.h"
#include "util/encoding.h"

namespace aigen::media {
namespace {

namespace fs = std::filesystem;
using aigen::testing::TempDir;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Every regular file under `root`, temp files included: what is really on disk.
std::vector<fs::path> FilesOnDisk(const fs::path& root) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  return files;
}

TEST_CASE("FileStore stores content under its hash", "[media][file_store]") {
  TempDir dir;
  FileStore store(dir.path() / "images");
  std::string bytes = "not really a png, but the store does not care";

  Result<std::string> rel = store.Put(bytes, ".png");
  REQUIRE(rel.ok());
  std::string hash = util::Sha256Hex(bytes);
  CHECK(*rel ==
        hash.substr(0, 2) + "/" + hash.substr(2, 2) + "/" + hash + ".png");
  CHECK(std::regex_match(
      *rel, std::regex("[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}\\.png")));

  CHECK(store.Exists(*rel));
  fs::path resolved = store.Resolve(*rel);
  CHECK(resolved.is_absolute());
  CHECK(resolved == store.root() / *rel);
  CHECK(ReadFile(resolved) == bytes);
  CHECK(store.List() == std::vector<std::string>{*rel});
}

TEST_CASE("FileStore root is made absolute", "[media][file_store]") {
  FileStore store("relative-root-that-is-never-written");
  CHECK(store.root().is_absolute());
  std::error_code ec;
  fs::remove(store.root(), ec);
}

TEST_CASE("FileStore keeps one file for equal content", "[media][file_store]") {
  TempDir dir;
  FileStore store(dir.path());
  Result<std::string> first = store.Put("same bytes", ".jpg");
  Result<std::string> second = store.Put("same bytes", ".jpg");
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(*first == *second);
  CHECK(store.List().size() == 1);
  CHECK(FilesOnDisk(dir.path()).size() == 1);

  Result<std::string> other = store.Put("other bytes", ".jpg");
  REQUIRE(other.ok());
  CHECK(*other != *first);
  CHECK(store.List().size() == 2);
}

TEST_CASE("FileStore rewrites a stored file that was truncated",
          "[media][file_store]") {
  TempDir dir;
  FileStore store(dir.path());
  Result<std::string> rel = store.Put("complete content", ".png");
  REQUIRE(rel.ok());
  WriteFile(store.Resolve(*rel), "compl");
  REQUIRE(store.Put("complete content", ".png").ok());
  CHECK(ReadFile(store.Resolve(*rel)) == "complete content");
}

TEST_CASE("FileStore Remove deletes the file and empty shards",
          "[media][file_store]") {
  TempDir dir;
  FileStore store(dir.path());
  Result<std::string> rel = store.Put("to be removed", ".png");
  REQUIRE(rel.ok());
  fs::path shard = store.Resolve(*rel).parent_path();

  REQUIRE(store.Remove(*rel).ok());
  CHECK_FALSE(store.Exists(*rel));
  CHECK_FALSE(fs::exists(shard));
  CHECK_FALSE(fs::exists(shard.parent_path()));
  CHECK(fs::exists(store.root()));
  CHECK(store.List().empty());
  CHECK(store.Remove(*rel).ok());  // already gone: not an error
}

TEST_CASE("FileStore Remove keeps a shard that still holds files",
          "[media][file_store]") {
  // Find two contents whose hashes share the first four hex digits (a 16-bit
  // birthday collision: a few hundred tries).
  std::map<std::string, std::string> by_prefix;
  std::string a, b;
  for (int i = 0; a.empty(); ++i) {
    std::string content = "content " + std::to_string(i);
    std::string prefix = util::Sha256Hex(content).substr(0, 4);
    auto [it, inserted] = by_prefix.emplace(prefix, content);
    if (!inserted) a = it->second, b = content;
  }
  TempDir dir;
  FileStore store(dir.path());
  Result<std::string> rel_a = store.Put(a, ".png");
  Result<std::string> rel_b = store.Put(b, ".png");
  REQUIRE(rel_a.ok());
  REQUIRE(rel_b.ok());
  REQUIRE(rel_a->substr(0, 6) == rel_b->substr(0, 6));

  REQUIRE(store.Remove(*rel_a).ok());
  CHECK_FALSE(store.Exists(*rel_a));
  CHECK(store.Exists(*rel_b));
  CHECK(ReadFile(store.Resolve(*rel_b)) == b);
}

TEST_CASE("FileStore sweeps leftover temp files", "[media][file_store]") {
  TempDir dir;
  FileStore store(dir.path());
  Result<std::string> rel = store.Put("survivor", ".png");
  REQUIRE(rel.ok());
  fs::path shard = store.Resolve(*rel).parent_path();
  WriteFile(shard / (".tmp-" + fs::path(*rel).filename().string() + "-0011"),
            "half");
  WriteFile(store.root() / ".tmp-stray", "x");

  CHECK(store.List() ==
        std::vector<std::string>{*rel});  // temp files are not listed
  CHECK(store.RemoveTempFiles() == 2);
  CHECK(FilesOnDisk(dir.path()) == std::vector<fs::path>{store.Resolve(*rel)});
  CHECK(ReadFile(store.Resolve(*rel)) == "survivor");
  CHECK(store.RemoveTempFiles() == 0);
}

TEST_CASE("FileStore refuses paths outside the store", "[media][file_store]") {
  TempDir dir;
  FileStore store(dir.path());
  Result<std::string> good = store.Put("x", ".png");
  REQUIRE(good.ok());
  std::string hash = good->substr(6, 64);
  std::vector<std::string> bad = {
      "",
      "../etc/passwd",
      "/etc/passwd",
      "ab/cd/../../../etc/passwd",
      std::string(dir.path() / *good),
      hash.substr(0, 2) + "/" + hash.substr(2, 2) + "/../" + hash + ".png",
      "00/00/" + hash + ".png",  // shard does not match the hash
      good->substr(0, 6) + hash.substr(0, 63) + ".png",  // short hash
      [&] {                                              // upper-case hex
        std::string upper = *good;
        for (char& c : upper) c = static_cast<char>(std::toupper(c));
        return upper;
      }(),
      *good + "/..",
      *good + "\\..",
      good->substr(0, 6) + ".tmp-" + hash + ".png",
      good->substr(0, 2) + "\\" + good->substr(3),
  };
  for (const std::string& rel : bad) {
    INFO("path: " << rel);
    CHECK(store.Resolve(rel).empty());
    CHECK_FALSE(store.Exists(rel));
    Status removed = store.Remove(rel);
    CHECK(removed.code() == Code::kInvalidArgument);
  }
  CHECK(store.Exists(*good));  // nothing above touched the real file
}

TEST_CASE("FileStore refuses extensions that could escape",
          "[media][file_store]") {
  TempDir dir;
  FileStore store(dir.path());
  for (std::string_view ext :
       {"png", "./png", "/../x", ".PNG", ".p g", ".", ".verylongextension"}) {
    INFO("extension: " << ext);
    Result<std::string> rel = store.Put("bytes", ext);
    REQUIRE_FALSE(rel.ok());
    CHECK(rel.status().code() == Code::kInvalidArgument);
  }
  CHECK(FilesOnDisk(dir.path()).empty());
  Result<std::string> no_extension = store.Put("bytes", "");
  REQUIRE(no_extension.ok());
  CHECK(store.Exists(*no_extension));
}

TEST_CASE("FileStore reports I/O failure as a status", "[media][file_store]") {
  TempDir dir;
  WriteFile(dir.path() / "a-file", "in the way");
  FileStore store(dir.path() / "a-file" /
                  "store");  // a file where a directory must go
  Result<std::string> rel = store.Put("bytes", ".png");
  REQUIRE_FALSE(rel.ok());
  CHECK(rel.status().code() == Code::kInternal);
  CHECK(store.List().empty());
  CHECK(store.RemoveTempFiles() == 0);
}

TEST_CASE("FileStore concurrent Puts of equal bytes leave one intact file",
          "[media][file_store]") {
  TempDir dir;
  FileStore store(dir.path());
  std::string bytes(1 << 20, '\0');
  for (size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<char>(i * 31 % 251);

  constexpr int kThreads = 8;
  std::vector<Result<std::string>> results(kThreads,
                                           Status::Internal("not run"));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] { results[t] = store.Put(bytes, ".png"); });
  }
  for (std::thread& thread : threads) thread.join();

  for (const Result<std::string>& result : results) {
    REQUIRE(result.ok());
    CHECK(*result == *results[0]);
  }
  CHECK(FilesOnDisk(dir.path()) ==
        std::vector<fs::path>{store.Resolve(*results[0])});
  CHECK(ReadFile(store.Resolve(*results[0])) == bytes);
}

}  // namespace
}  // namespace aigen::media
