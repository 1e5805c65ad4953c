#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "util/clock.h"
#include "util/status.h"

namespace aigen::ratelimit {

// "10/hour": `limit` requests per `window`.
struct Policy {
  std::string name;  // "generate": appears in RateLimit-Policy
  int limit = 10;
  std::chrono::seconds window{3600};

  // Parses "N/second|minute|hour|day" (also "N/Ns", "N/15m": a count and
  // unit). InvalidArgument on anything else or N < 1.
  // N is 1..1000000; the window is 1 second..366 days.
  static Result<Policy> Parse(std::string name, std::string_view text);
};

// The outcome of one request against a policy.
struct Decision {
  bool allowed = true;
  int limit = 0;
  int remaining = 0;      // after this request
  int reset_seconds = 0;  // until the window frees (>= 1 while limited)
};

// The key a client is counted under: IPv4 addresses as themselves,
// IPv4-mapped IPv6 ("::ffff:1.2.3.4") as the IPv4 address, other IPv6
// addresses as their /prefix network ("2001:db8:0:1200::/56"). Unparseable
// input is returned unchanged.
std::string ClientKey(std::string_view ip, int ipv6_prefix);

// Fixed-window counters per client key (as express-rate-limit, the seed's
// limiter). Memory is bounded: at most `max_keys` keys are tracked; when full,
// expired windows are dropped first, then the least recently seen key.
// Thread-safe.
class Limiter {
 public:
  Limiter(Policy policy, const util::Clock& clock, size_t max_keys = 100000);

  // Counts one request for `key` and returns the decision.
  Decision Hit(const std::string& key);

  const Policy& policy() const { return policy_; }
  size_t tracked_keys() const;

  // Header values, draft-7 style as express-rate-limit sends them:
  // "RateLimit-Policy: 10;w=3600", "RateLimit: limit=10, remaining=9,
  // reset=3600".
  std::string PolicyHeader() const;
  static std::string RateLimitHeader(const Decision& d);

 private:
  // Both lists hold pointers to the keys inside `entries_` (stable across
  // rehashing), so each key is stored once and every update is O(1).
  using KeyList = std::list<const std::string*>;
  struct Entry {
    util::TimePoint window_start;
    int count = 0;
    KeyList::iterator lru;     // position in lru_
    KeyList::iterator expiry;  // position in by_expiry_
  };
  void EvictOne(util::TimePoint now);  // REQUIRES: mutex_ held
  bool Expired(const Entry& e, util::TimePoint now) const;

  Policy policy_;
  const util::Clock& clock_;
  size_t max_keys_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mutex_
  KeyList lru_;  // guarded by mutex_; front = most recently seen
  // Guarded by mutex_; front = oldest window start. Windows all have the same
  // length, so this is also expiry order: the front is the first to expire.
  KeyList by_expiry_;
};

}  // namespace aigen::ratelimit
