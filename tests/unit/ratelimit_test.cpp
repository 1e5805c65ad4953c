#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "ratelimit/limiter.h"
#include "util/clock.h"

namespace aigen::ratelimit {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

Policy MakePolicy(int limit, seconds window) {
  Policy p;
  p.name = "test";
  p.limit = limit;
  p.window = window;
  return p;
}

TEST_CASE("Limiter allows `limit` hits, then denies until the window ends") {
  util::FakeClock clock;
  Limiter limiter(MakePolicy(10, seconds(3600)), clock);

  // Hit i comes i * 100 s into the window.
  for (int i = 0; i < 10; ++i) {
    CAPTURE(i);
    const Decision d = limiter.Hit("1.2.3.4");
    CHECK(d.allowed);
    CHECK(d.limit == 10);
    CHECK(d.remaining == 9 - i);
    CHECK(d.reset_seconds == 3600 - 100 * i);
    clock.Advance(seconds(100));
  }
  clock.Advance(milliseconds(500));  // t = 1000.5 s: reset rounds up
  const Decision denied = limiter.Hit("1.2.3.4");
  CHECK_FALSE(denied.allowed);
  CHECK(denied.limit == 10);
  CHECK(denied.remaining == 0);
  CHECK(denied.reset_seconds == 2600);
}

TEST_CASE("Limiter starts a new window once the old one has passed") {
  util::FakeClock clock;
  Limiter limiter(MakePolicy(2, seconds(60)), clock);
  REQUIRE(limiter.Hit("k").allowed);  // window [0, 60)
  REQUIRE(limiter.Hit("k").allowed);

  // Denied hits inside the window do not extend it.
  for (int t = 1; t < 60; ++t) {
    clock.Advance(seconds(1));
    const Decision d = limiter.Hit("k");
    CAPTURE(t);
    CHECK_FALSE(d.allowed);
    CHECK(d.remaining == 0);
    CHECK(d.reset_seconds == 60 - t);
  }
  clock.Advance(milliseconds(999));  // t = 59.999: still limited
  const Decision last = limiter.Hit("k");
  CHECK_FALSE(last.allowed);
  CHECK(last.reset_seconds == 1);

  clock.Advance(milliseconds(1));  // t = 60: a fresh window
  const Decision fresh = limiter.Hit("k");
  CHECK(fresh.allowed);
  CHECK(fresh.remaining == 1);
  CHECK(fresh.reset_seconds == 60);

  // Long after, the count starts over again.
  clock.Advance(std::chrono::hours(5));
  CHECK(limiter.Hit("k").remaining == 1);
  CHECK(limiter.Hit("k").remaining == 0);
  CHECK_FALSE(limiter.Hit("k").allowed);
}

TEST_CASE("Limiter counts each key on its own") {
  util::FakeClock clock;
  Limiter limiter(MakePolicy(3, seconds(3600)), clock);
  for (int i = 0; i < 3; ++i) REQUIRE(limiter.Hit("a").allowed);
  CHECK_FALSE(limiter.Hit("a").allowed);

  clock.Advance(seconds(600));
  const Decision b = limiter.Hit("b");
  CHECK(b.allowed);
  CHECK(b.remaining == 2);
  CHECK(b.reset_seconds == 3600);  // b's window starts at its first hit
  CHECK_FALSE(limiter.Hit("a").allowed);
  CHECK(limiter.tracked_keys() == 2);
}

TEST_CASE("Limiter stays bounded and evicts the least recently seen key") {
  util::FakeClock clock;
  Limiter limiter(MakePolicy(1000, seconds(3600)), clock, 100);
  for (int i = 0; i < 5; ++i) limiter.Hit("active");

  int active_hits = 5;
  for (int i = 0; i < 10000; ++i) {
    limiter.Hit("key-" + std::to_string(i));
    if (i % 50 == 0) {  // stays among the 100 most recently seen
      limiter.Hit("active");
      ++active_hits;
    }
    REQUIRE(limiter.tracked_keys() <= 100);
  }
  CHECK(limiter.tracked_keys() == 100);
  CHECK(limiter.Hit("active").remaining == 1000 - active_hits - 1);
  CHECK(limiter.Hit("key-9999").remaining == 998);  // still tracked
  CHECK(limiter.Hit("key-0").remaining == 999);     // evicted, starts over
}

TEST_CASE("Limiter evicts expired windows before live ones") {
  util::FakeClock clock;
  Limiter limiter(MakePolicy(10, seconds(60)), clock, 3);
  limiter.Hit("old");  // t = 0, window ends at 60
  clock.Advance(seconds(10));
  limiter.Hit("a");  // t = 10, live until 70
  clock.Advance(seconds(40));
  limiter.Hit("old");  // t = 50: "old" is now the most recently seen
  clock.Advance(seconds(5));
  limiter.Hit("b");  // t = 55, live until 115

  clock.Advance(seconds(10));  // t = 65: only "old" has expired
  limiter.Hit("c");            // full: must drop "old", not "a" (the LRU)
  CHECK(limiter.tracked_keys() == 3);
  CHECK(limiter.Hit("a").remaining == 8);  // kept its count
  CHECK(limiter.Hit("b").remaining == 8);
  CHECK(limiter.Hit("c").remaining == 8);

  SECTION("with nothing expired, the least recently seen key goes") {
    limiter.Hit("d");  // LRU order now d, c, b, a: "a" goes
    CHECK(limiter.tracked_keys() == 3);
    CHECK(limiter.Hit("b").remaining == 7);
    CHECK(limiter.Hit("c").remaining == 7);
    CHECK(limiter.Hit("a").remaining == 9);  // forgotten
  }
}

TEST_CASE("Limiter allows exactly `limit` hits across threads") {
  util::FakeClock clock;
  // A long allowed phase and a common start give lost updates a chance to
  // show if the counter were not guarded.
  Limiter limiter(MakePolicy(5000, seconds(3600)), clock);
  std::atomic<bool> go{false};
  std::atomic<int> allowed{0};
  std::atomic<int> negative{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      while (!go) std::this_thread::yield();
      for (int i = 0; i < 2500; ++i) {
        const Decision d = limiter.Hit("shared");
        if (d.allowed) ++allowed;
        if (d.remaining < 0) ++negative;
      }
    });
  }
  go = true;
  for (std::thread& t : threads) t.join();
  CHECK(allowed == 5000);
  CHECK(negative == 0);
  CHECK_FALSE(limiter.Hit("shared").allowed);
}

TEST_CASE("ClientKey groups clients") {
  struct Case {
    const char* ip;
    int prefix;
    const char* key;
  };
  const Case cases[] = {
      {"1.2.3.4", 56, "1.2.3.4"},
      {"10.0.0.255", 64, "10.0.0.255"},
      {"::ffff:1.2.3.4", 56, "1.2.3.4"},
      {"::FFFF:1.2.3.4", 56, "1.2.3.4"},
      {"::ffff:0102:0304", 56, "1.2.3.4"},
      {"2001:db8:0:1234:5678::1", 56, "2001:db8:0:1200::/56"},
      {"2001:db8:0:12ff:ffff:ffff:ffff:ffff", 56, "2001:db8:0:1200::/56"},
      {"2001:db8:0:1300::1", 56, "2001:db8:0:1300::/56"},
      {"2001:0DB8:0000:1234::1", 56, "2001:db8:0:1200::/56"},
      {"2001:db8:0:1234:5678::1", 64, "2001:db8:0:1234::/64"},
      {"2001:db8:0:1234:5678::1", 128, "2001:db8:0:1234:5678::1/128"},
      {"2001:db8:0:1234:5678::1", 60, "2001:db8:0:1230::/60"},
      {"2001:db8::1", 0, "::/0"},
      {"2001:db8::1", 200, "2001:db8::1/128"},  // clamped
      {"::1", 56, "::/56"},
      {"fe80::1234:5678%eth0", 64, "fe80::/64"},
      {"fe80::1%25", 128, "fe80::1/128"},
      {"", 56, ""},
      {"garbage", 56, "garbage"},
      {"1.2.3", 56, "1.2.3"},
      {"1.2.3.4:8080", 56, "1.2.3.4:8080"},
      {"256.1.1.1", 56, "256.1.1.1"},
      {"2001:db8::zz", 56, "2001:db8::zz"},
      {"%eth0", 56, "%eth0"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.ip, c.prefix);
    CHECK(ClientKey(c.ip, c.prefix) == c.key);
  }

  // Two addresses in one /56 share a key; a different /56 does not.
  CHECK(ClientKey("2001:db8:0:1201::a", 56) ==
        ClientKey("2001:db8:0:12fe::b", 56));
  CHECK(ClientKey("2001:db8:0:1201::a", 56) !=
        ClientKey("2001:db8:0:1301::a", 56));
  CHECK(ClientKey("2001:db8:0:1201::a", 64) !=
        ClientKey("2001:db8:0:1202::a", 64));
}

TEST_CASE("Policy::Parse accepts count/window") {
  struct Case {
    const char* text;
    int limit;
    long long window_seconds;
  };
  const Case cases[] = {
      {"10/hour", 10, 3600},   {"5/minute", 5, 60},
      {"100/day", 100, 86400}, {"2/second", 2, 1},
      {"10/15m", 10, 900},     {"10/2h", 10, 7200},
      {"10/30s", 10, 30},      {"3/1d", 3, 86400},
      {"7/hours", 7, 3600},    {" 10 / hour ", 10, 3600},
      {"1/s", 1, 1},           {"1000000/366d", 1000000, 366LL * 86400},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    const Result<Policy> p = Policy::Parse("generate", c.text);
    REQUIRE(p.ok());
    CHECK(p->name == "generate");
    CHECK(p->limit == c.limit);
    CHECK(p->window.count() == c.window_seconds);
  }
}

TEST_CASE("Policy::Parse rejects anything else") {
  const char* const bad[] = {
      "",
      "10",
      "10/",
      "/hour",
      "hour",
      "0/hour",
      "-1/hour",
      "+1/hour",
      "1000001/hour",
      "1e3/hour",
      "10/fortnight",
      "10/0m",
      "10/h2",
      "10/15",
      "10/15 m",
      "10/367d",
      "10/99999999999999999999h",
      "ten/hour",
      "10/hour/2",
      "99999999999999999999/hour",
  };
  for (const char* text : bad) {
    CAPTURE(text);
    const Result<Policy> p = Policy::Parse("generate", text);
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().code() == Code::kInvalidArgument);
    CHECK_THAT(p.status().message(),
               Catch::Contains("10/hour") && Catch::Contains("10/15m"));
  }
}

TEST_CASE("Limiter formats draft-7 headers") {
  util::FakeClock clock;
  const Result<Policy> policy = Policy::Parse("generate", "10/hour");
  REQUIRE(policy.ok());
  Limiter limiter(*policy, clock);
  CHECK(limiter.PolicyHeader() == "10;w=3600");
  CHECK(Limiter::RateLimitHeader(limiter.Hit("x")) ==
        "limit=10, remaining=9, reset=3600");

  Limiter minute(MakePolicy(5, seconds(900)), clock);
  CHECK(minute.PolicyHeader() == "5;w=900");
  Decision d;
  d.allowed = false;
  d.limit = 5;
  d.remaining = 0;
  d.reset_seconds = 17;
  CHECK(Limiter::RateLimitHeader(d) == "limit=5, remaining=0, reset=17");
}

}  // namespace
}  // namespace aigen::ratelimit
