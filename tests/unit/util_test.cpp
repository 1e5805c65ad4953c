#include <catch2/catch.hpp>

#include "util/encoding.h"
#include "util/status.h"

using namespace aigen;

TEST_CASE("base64 round-trips and refuses what is not base64", "[util]") {
  for (std::string s :
       std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar",
                                std::string("\0\xff\x10", 3)}) {
    auto decoded = util::Base64Decode(util::Base64Encode(s));
    REQUIRE(decoded.ok());
    CHECK(*decoded == s);
  }
  CHECK(util::Base64Encode("foobar") == "Zm9vYmFy");
  CHECK(*util::Base64Decode("Zm9v\nYmFy") == "foobar");  // wrapped lines
  CHECK_FALSE(util::Base64Decode("Zm9v!").ok());
  CHECK_FALSE(util::Base64Decode("Zm9v=YmFy").ok());  // data after padding
  CHECK_FALSE(util::Base64Decode("Z").ok());          // a lone 6-bit group
}

TEST_CASE("UTF-8 validation", "[util]") {
  struct Case {
    std::string text;
    bool valid;
  };
  std::vector<Case> cases = {
      {"plain", true},
      {"caf\xc3\xa9", true},
      {"\xe2\x82\xac", true},      // €
      {"\xf0\x9f\x8c\x85", true},  // 🌅
      {"\xff", false},
      {"\xc3", false},              // truncated
      {"\xc0\xaf", false},          // overlong
      {"\xed\xa0\x80", false},      // surrogate
      {"\xf4\x90\x80\x80", false},  // above U+10FFFF
      {"ok\xe2\x82", false},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(util::IsValidUtf8(c.text) == c.valid);
  }
}

TEST_CASE("JSON nesting is measured outside strings", "[util]") {
  CHECK(util::JsonNestingWithin(R"({"a":[1,{"b":"]]]]\"[[["}]})", 3));
  CHECK_FALSE(util::JsonNestingWithin(R"({"a":[1,{"b":[]}]})", 3));
  CHECK_FALSE(util::JsonNestingWithin(std::string(100000, '['), 64));
}

TEST_CASE("Trim, Sha256Hex, RandomHex", "[util]") {
  CHECK(util::Trim("  a b \n\t") == "a b");
  CHECK(util::Trim(" \n ").empty());
  CHECK(util::Sha256Hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(util::RandomHex(12).size() == 24);
  CHECK(util::RandomHex(12) != util::RandomHex(12));
}

TEST_CASE("Status carries a reason derived from its code unless given",
          "[util]") {
  CHECK(Status::Ok().ok());
  CHECK(Status::NotFound("x").reason() == "not_found");
  CHECK(Status::InvalidArgument("bad", "invalid_size").reason() ==
        "invalid_size");
  CHECK(Status::Internal("boom").WithContext("store").message() ==
        "store: boom");
  Result<int> r = Status::NotFound("nope");
  CHECK_FALSE(r.ok());
  Result<int> bad = Status::Ok();  // a bug, but never an "ok" without a value
  CHECK_FALSE(bad.ok());
  CHECK(bad.status().code() == Code::kInternal);
}
