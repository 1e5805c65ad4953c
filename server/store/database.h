#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "util/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace aigen::store {

class Database;

// A prepared statement bound to one Database. Move-only; finalizes on
// destruction. Not thread-safe: use under the Database's lock.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  // Bind by 1-based index. Text is copied by SQLite.
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index,
                  std::optional<int64_t> value);  // nullopt binds NULL
  Statement& BindNull(int index);

  // Steps once. Returns true when a row is available, false when done;
  // Internal (or Unavailable when the database is busy) on error.
  Result<bool> Step();
  // Steps until done; for statements that return no rows.
  Status Run();

  // Column accessors for the current row (0-based).
  std::string Text(int column) const;
  int64_t Int(int column) const;
  std::optional<int64_t> OptionalInt(int column) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// One SQLite connection in WAL mode with a busy timeout, foreign keys on and
// synchronous=FULL (an acknowledged image survives a power cut). All access
// goes through Lock(): one writer, one reader at a time is plenty for this
// workload and keeps the threading simple. Thread-safe via that lock.
class Database {
 public:
  // Opens or creates the file and applies every schema step newer than its
  // PRAGMA user_version (each step in its own transaction).
  static Result<std::unique_ptr<Database>> Open(
      const std::filesystem::path& path, std::string_view schema_sql);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // REQUIRES: the caller holds Lock().
  Result<Statement> Prepare(std::string_view sql);
  Status Exec(std::string_view sql);  // for statements without parameters

  // Holds the connection for a sequence of statements.
  [[nodiscard]] std::unique_lock<std::mutex> Lock() {
    return std::unique_lock(mutex_);
  }

  int user_version();

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  Status Migrate(std::string_view schema_sql);

  sqlite3* db_;
  std::mutex mutex_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back on destruction unless committed.
// REQUIRES: the caller holds the Database's Lock() for the object's life.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  const Status& status() const { return begin_; }  // did BEGIN succeed
  Status Commit();

 private:
  Database& db_;
  Status begin_;
  bool done_ = false;
};

}  // namespace aigen::store
