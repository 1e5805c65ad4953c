#include <catch2/catch.hpp>

#include "http/client_ip.h"
#include "http/message.h"
#include "http/static_assets.h"

namespace aigen::http {

TEST_CASE("client addresses: IPv4-mapped IPv6 counts as IPv4", "[http]") {
  CHECK(UnmapIPv4("::ffff:203.0.113.7") == "203.0.113.7");
  CHECK(UnmapIPv4("203.0.113.7") == "203.0.113.7");
  CHECK(UnmapIPv4("2001:db8::1") == "2001:db8::1");
  CHECK(UnmapIPv4("::ffff:abcd") == "::ffff:abcd");  // not a mapped v4
  CHECK(UnmapIPv4("::1") == "::1");
}

TEST_CASE("every Status code maps to one HTTP status", "[http]") {
  CHECK(HttpStatusOf(Code::kInvalidArgument) == 400);
  CHECK(HttpStatusOf(Code::kNotFound) == 404);
  CHECK(HttpStatusOf(Code::kPayloadTooLarge) == 413);
  CHECK(HttpStatusOf(Code::kRateLimited) == 429);
  CHECK(HttpStatusOf(Code::kBadGateway) == 502);
  CHECK(HttpStatusOf(Code::kUnavailable) == 503);
  CHECK(HttpStatusOf(Code::kGatewayTimeout) == 504);
  Response r = ErrorResponse(Status::NotFound("no such thing", "not_found"));
  CHECK(r.status == 404);
  CHECK(r.body ==
        R"({"error":{"code":"not_found","message":"no such thing"}})");
  // Invalid UTF-8 from a backend's message is replaced, never thrown.
  CHECK_NOTHROW(ErrorResponse(Status::BadGateway("bad \xff bytes")));
}

TEST_CASE("the embedded frontend is found by path, with a gzip copy",
          "[http]") {
  StaticAssets assets = StaticAssets::Embedded();
  auto index = assets.Find("/");
  REQUIRE(index);
  CHECK(index->content_type == "text/html; charset=utf-8");
  CHECK(index->etag.front() == '"');
  CHECK_FALSE(index->gzip.empty());
  CHECK(index->gzip.size() < index->body.size());
  CHECK(assets.Find("/index.html")->etag == index->etag);
  CHECK_FALSE(assets.Find("/missing.js"));
  CHECK_FALSE(assets.Find("/../CMakeLists.txt"));
}

}  // namespace aigen::http
