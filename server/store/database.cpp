#include "store/database.h"

#include <sqlite3.h>

#include <charconv>
#include <vector>

namespace aigen::store {
namespace {

Status SqliteError(sqlite3* db, std::string_view what) {
  int code = sqlite3_extended_errcode(db);
  std::string message =
      "store: " + std::string(what) + ": " + sqlite3_errmsg(db);
  if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED) {
    return Status::Unavailable(message, "database_busy");
  }
  if ((code & 0xff) == SQLITE_FULL)
    return Status::InsufficientStorage(message, "disk_full");
  return Status::Internal(message);
}

struct SchemaStep {
  int number;
  std::string sql;
};

// Splits schema.sql at its "-- step N:" markers.
std::vector<SchemaStep> SplitSteps(std::string_view schema) {
  std::vector<SchemaStep> steps;
  constexpr std::string_view kMarker = "-- step ";
  size_t pos = 0;
  while ((pos = schema.find(kMarker, pos)) != std::string_view::npos) {
    if (pos != 0 && schema[pos - 1] != '\n') {
      pos += kMarker.size();
      continue;
    }
    size_t num_start = pos + kMarker.size();
    int number = 0;
    auto [end, ec] = std::from_chars(schema.data() + num_start,
                                     schema.data() + schema.size(), number);
    size_t next =
        schema.find(std::string("\n") + std::string(kMarker), num_start);
    size_t stop = next == std::string_view::npos ? schema.size() : next + 1;
    if (ec == std::errc()) {
      steps.push_back({number, std::string(schema.substr(pos, stop - pos))});
    }
    pos = stop;
  }
  return steps;
}

}  // namespace

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(other.stmt_) {
  other.stmt_ = nullptr;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement& Statement::Bind(int index, std::optional<int64_t> value) {
  return value ? Bind(index, *value) : BindNull(index);
}
Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, "step");
}

Status Statement::Run() {
  for (;;) {
    auto row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
  }
}

std::string Statement::Text(int column) const {
  auto p = sqlite3_column_text(stmt_, column);
  int n = sqlite3_column_bytes(stmt_, column);
  return p ? std::string(reinterpret_cast<const char*>(p), n) : std::string();
}
int64_t Statement::Int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}
std::optional<int64_t> Statement::OptionalInt(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(stmt_, column);
}

Result<std::unique_ptr<Database>> Database::Open(
    const std::filesystem::path& path, std::string_view schema_sql) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &raw,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  std::unique_ptr<Database> db(new Database(raw));
  if (rc != SQLITE_OK) {
    return Status::Internal("store: cannot open " + path.string() + ": " +
                            (raw ? sqlite3_errmsg(raw) : "out of memory"));
  }
  // busy_timeout first, so the pragmas below wait for another process's lock.
  sqlite3_busy_timeout(raw, 5000);
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
        "PRAGMA foreign_keys=ON", "PRAGMA temp_store=MEMORY"}) {
    if (Status s = db->Exec(pragma); !s.ok()) return s;
  }
  if (Status s = db->Migrate(schema_sql); !s.ok()) return s;
  return db;
}

Database::~Database() { sqlite3_close_v2(db_); }

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt,
                         nullptr) != SQLITE_OK) {
    return SqliteError(db_, "prepare");
  }
  return Statement(db_, stmt);
}

Status Database::Exec(std::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    Status s = SqliteError(db_, error ? error : "exec");
    sqlite3_free(error);
    return s;
  }
  return Status::Ok();
}

int Database::user_version() {
  auto stmt = Prepare("PRAGMA user_version");
  if (!stmt.ok()) return 0;
  auto row = stmt->Step();
  return row.ok() && *row ? static_cast<int>(stmt->Int(0)) : 0;
}

Status Database::Migrate(std::string_view schema_sql) {
  int current = user_version();
  for (const SchemaStep& step : SplitSteps(schema_sql)) {
    if (step.number <= current) continue;
    Transaction tx(*this);
    if (!tx.status().ok()) return tx.status();
    if (Status s = Exec(step.sql); !s.ok()) {
      return s.WithContext("schema step " + std::to_string(step.number));
    }
    if (Status s = Exec("PRAGMA user_version=" + std::to_string(step.number));
        !s.ok())
      return s;
    if (Status s = tx.Commit(); !s.ok()) return s;
    current = step.number;
  }
  return Status::Ok();
}

Transaction::Transaction(Database& db)
    : db_(db), begin_(db.Exec("BEGIN IMMEDIATE")) {
  done_ = !begin_.ok();
}

Transaction::~Transaction() {
  if (!done_) (void)db_.Exec("ROLLBACK");
}

Status Transaction::Commit() {
  if (done_)
    return begin_.ok() ? Status::Internal("store: transaction already finished")
                       : begin_;
  done_ = true;
  Status s = db_.Exec("COMMIT");
  if (!s.ok()) (void)db_.Exec("ROLLBACK");
  return s;
}

}  // namespace aigen::store
