#pragma once

#include <string_view>

namespace aigen::util {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// The process-wide logger: one line per call on stderr ("2026-12-04T16:00:00Z
// INFO message"), which journald timestamps again under systemd. Thread-safe.
void Log(LogLevel level, std::string_view message);
inline void LogInfo(std::string_view m) { Log(LogLevel::kInfo, m); }
inline void LogWarn(std::string_view m) { Log(LogLevel::kWarn, m); }
inline void LogError(std::string_view m) { Log(LogLevel::kError, m); }
inline void LogDebug(std::string_view m) { Log(LogLevel::kDebug, m); }

// Messages below `level` are dropped. Default: kInfo.
void SetLogLevel(LogLevel level);

// "debug" | "info" | "warn" | "error"; anything else is kInfo (the config
// has already refused it).
LogLevel ParseLogLevel(std::string_view name);

}  // namespace aigen::util
