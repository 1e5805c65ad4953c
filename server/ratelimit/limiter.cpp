#include "ratelimit/limiter.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <string>
#include <utility>

namespace aigen::ratelimit {
namespace {

constexpr int kMaxLimit = 1'000'000;
// Keeps reset_seconds well inside an int and rejects typos like "10/999999d".
constexpr long long kMaxWindowSeconds = 366LL * 24 * 3600;

struct Unit {
  std::string_view name;
  long long seconds;
};
constexpr std::array<Unit, 12> kUnits = {{
    {"s", 1},
    {"second", 1},
    {"seconds", 1},
    {"m", 60},
    {"minute", 60},
    {"minutes", 60},
    {"h", 3600},
    {"hour", 3600},
    {"hours", 3600},
    {"d", 86400},
    {"day", 86400},
    {"days", 86400},
}};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// Parses all of `s` as a non-negative decimal; false on anything else
// (sign, spaces, trailing text, overflow).
bool ParseCount(std::string_view s, long long& out) {
  if (s.empty() || s.front() < '0' || s.front() > '9') return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// "hour" -> 3600, "15m" -> 900; 0 when `s` is no window.
long long ParseWindow(std::string_view s) {
  const size_t digits = s.find_first_not_of("0123456789");
  if (digits == std::string_view::npos) return 0;  // a bare number: no unit
  long long count = 1;
  if (digits > 0 && !ParseCount(s.substr(0, digits), count)) return 0;
  const std::string_view unit = s.substr(digits);
  for (const Unit& u : kUnits) {
    if (u.name != unit) continue;
    if (count < 1 || count > kMaxWindowSeconds / u.seconds) return 0;
    return count * u.seconds;
  }
  return 0;
}

Status ParseError(const std::string& name, std::string_view text) {
  std::string msg = "invalid rate limit \"" + std::string(text) + "\"";
  if (!name.empty()) msg += " for " + name;
  msg +=
      ": expected <count>/<window> such as 10/hour, 5/minute, 100/day, "
      "2/second, 10/15m, 10/2h or 10/30s (count 1 to 1000000, window up to "
      "366 days)";
  return Status::InvalidArgument(std::move(msg), "invalid_rate_limit");
}

}  // namespace

Result<Policy> Policy::Parse(std::string name, std::string_view text) {
  const std::string_view t = Trim(text);
  const size_t slash = t.find('/');
  if (slash == std::string_view::npos) return ParseError(name, text);
  long long limit = 0;
  if (!ParseCount(Trim(t.substr(0, slash)), limit) || limit < 1 ||
      limit > kMaxLimit) {
    return ParseError(name, text);
  }
  const long long window = ParseWindow(Trim(t.substr(slash + 1)));
  if (window == 0) return ParseError(name, text);
  Policy p;
  p.name = std::move(name);
  p.limit = static_cast<int>(limit);
  p.window = std::chrono::seconds(window);
  return p;
}

Limiter::Limiter(Policy policy, const util::Clock& clock, size_t max_keys)
    // A limiter that tracks nothing would forget every hit: keep at least one.
    : policy_(std::move(policy)),
      clock_(clock),
      max_keys_(std::max<size_t>(max_keys, 1)) {}

bool Limiter::Expired(const Entry& e, util::TimePoint now) const {
  return now >= e.window_start + policy_.window;
}

Decision Limiter::Hit(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Read under the lock so window starts enter by_expiry_ in time order.
  const util::TimePoint now = clock_.Now();
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= max_keys_) EvictOne(now);
    it = entries_.emplace(key, Entry{now, 0, {}, {}}).first;
    it->second.lru = lru_.insert(lru_.begin(), &it->first);
    it->second.expiry = by_expiry_.insert(by_expiry_.end(), &it->first);
  } else {
    Entry& e = it->second;
    lru_.splice(lru_.begin(), lru_, e.lru);  // keeps e.lru valid
    if (Expired(e, now)) {
      e.window_start = now;
      e.count = 0;
      by_expiry_.splice(by_expiry_.end(), by_expiry_, e.expiry);
    }
  }

  Entry& e = it->second;
  Decision d;
  d.limit = policy_.limit;
  // A denied hit is not counted: it neither extends the window nor can
  // overflow the counter under a flood.
  d.allowed = e.count < policy_.limit;
  if (d.allowed) ++e.count;
  d.remaining = std::max(0, policy_.limit - e.count);
  const auto left = std::chrono::ceil<std::chrono::seconds>(
      e.window_start + policy_.window - now);
  // Clamped: if the wall clock stepped back, never promise more than a window.
  d.reset_seconds = static_cast<int>(std::clamp<long long>(
      left.count(), 1, std::max<long long>(1, policy_.window.count())));
  return d;
}

void Limiter::EvictOne(util::TimePoint now) {
  // The oldest window is the first to expire; dropping it loses no live
  // count. Only when nothing has expired does a live key (the least recently
  // seen) have to go.
  const std::string* victim = lru_.back();
  if (!by_expiry_.empty()) {
    const auto oldest = entries_.find(*by_expiry_.front());
    if (Expired(oldest->second, now)) victim = by_expiry_.front();
  }
  const auto it = entries_.find(*victim);
  lru_.erase(it->second.lru);
  by_expiry_.erase(it->second.expiry);
  entries_.erase(it);
}

size_t Limiter::tracked_keys() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

std::string Limiter::PolicyHeader() const {
  return std::to_string(policy_.limit) +
         ";w=" + std::to_string(policy_.window.count());
}

std::string Limiter::RateLimitHeader(const Decision& d) {
  return "limit=" + std::to_string(d.limit) +
         ", remaining=" + std::to_string(d.remaining) +
         ", reset=" + std::to_string(d.reset_seconds);
}

}  // namespace aigen::ratelimit
