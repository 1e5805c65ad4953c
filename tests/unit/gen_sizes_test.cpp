#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "gen/sizes.h"

namespace aigen::gen {
namespace {

TEST_CASE("ParseSize accepts names and WxH", "[sizes]") {
  struct Case {
    std::string text;
    Size want;
  };
  const std::vector<Case> cases = {
      {"small", {256, 256}},
      {"medium", {512, 512}},
      {"large", {1024, 1024}},
      {"LARGE", {1024, 1024}},
      {"1024x1024", {1024, 1024}},
      {"1792x1024", {1792, 1024}},
      {"1024x1792", {1024, 1792}},
      {"512X768", {512, 768}},
      {"  512x768\t\n", {512, 768}},
      {" medium ", {512, 512}},
      {"1x1", {1, 1}},
      {"16384x16384", {16384, 16384}},
      {"0064x0064", {64, 64}},
  };
  for (const Case& c : cases) {
    INFO("input: '" << c.text << "'");
    Result<Size> got = ParseSize(c.text);
    REQUIRE(got.ok());
    CHECK(*got == c.want);
  }
}

TEST_CASE("ParseSize refuses malformed sizes with the accepted forms",
          "[sizes]") {
  const std::vector<std::string> bad = {
      "",
      "   ",
      "0x0",
      "0x512",
      "512x0",
      "abc",
      "10x",
      "x10",
      "-5x5",
      "5x-5",
      "+5x5",
      "5x+5",
      "1024 x 1024",
      "1024x1024x1",
      "1.5x2",
      "0x10",
      "tiny",
      "x",
      "99999999999999999999x1",
      "1x99999999999999999999",
      "100000x100000",
      "16385x16",
      "512x512px",
      "512x512 512x512",
  };
  for (const std::string& text : bad) {
    INFO("input: '" << text << "'");
    Result<Size> got = ParseSize(text);
    REQUIRE_FALSE(got.ok());
    CHECK(got.status().code() == Code::kInvalidArgument);
    CHECK(got.status().reason() == "invalid_size");
    CHECK_THAT(got.status().message(), Catch::Contains("WIDTHxHEIGHT"));
    CHECK_THAT(got.status().message(), Catch::Contains("\"small\""));
  }
}

TEST_CASE("Size::ToString is WxH", "[sizes]") {
  CHECK(Size{1792, 1024}.ToString() == "1792x1024");
  CHECK(Size{64, 8}.ToString() == "64x8");
}

struct RuleCase {
  std::string type, model;
  std::vector<Size> allowed, refused;
  std::string message;  // for the first refused size, labelled with the model
};

TEST_CASE("SizeRuleFor and CheckSize per backend and model", "[sizes]") {
  const std::string range_2048 =
      " accepts widths and heights from 64 to 2048 that are multiples of 8";
  const std::vector<RuleCase> cases = {
      {"openai",
       "dall-e-2",
       {{256, 256}, {512, 512}, {1024, 1024}},
       {{1792, 1024}, {768, 768}, {1024, 1025}, {0, 0}},
       "dall-e-2 accepts 256x256, 512x512 or 1024x1024"},
      {"openai",
       "dall-e-3",
       {{1024, 1024}, {1792, 1024}, {1024, 1792}},
       {{512, 512}, {256, 256}, {1536, 1024}},
       "dall-e-3 accepts 1024x1024, 1792x1024 or 1024x1792"},
      {"openai",
       "gpt-image-1",
       {{1024, 1024}, {1536, 1024}, {1024, 1536}},
       {{1792, 1024}, {512, 512}},
       "gpt-image-1 accepts 1024x1024, 1536x1024 or 1024x1536"},
      {"openai",
       "gpt-image-1-mini",
       {{1536, 1024}},
       {{256, 256}},
       "gpt-image-1-mini accepts 1024x1024, 1536x1024 or 1024x1536"},
      {"openai",
       "sd-turbo",
       {{64, 64}, {768, 512}, {2048, 2048}, {1792, 1024}},
       {{2056, 1024}, {56, 64}, {1001, 1000}, {0, 512}, {-8, 64}},
       "sd-turbo" + range_2048},
      {"automatic1111",
       "",
       {{512, 512}, {512, 768}, {1216, 832}, {2048, 64}},
       {{2048, 2056}, {60, 60}, {513, 512}},
       "sd_xl_base" + range_2048},
      {"demo",
       "",
       {{64, 64}, {256, 256}, {1024, 1024}, {1024, 576}, {512, 904}},
       {{1032, 1024}, {2048, 2048}, {56, 56}, {100, 100}, {0, 0}, {-64, 64}},
       "demo accepts widths and heights from 64 to 1024 that are multiples of "
       "8"},
  };
  for (const RuleCase& c : cases) {
    INFO(c.type << " / " << c.model);
    const SizeRule rule = SizeRuleFor(c.type, c.model);
    const std::string label = c.message.substr(0, c.message.find(' '));
    for (Size size : c.allowed) {
      INFO("allowed: " << size.ToString());
      CHECK(CheckSize(rule, size, label).ok());
    }
    for (Size size : c.refused) {
      INFO("refused: " << size.ToString());
      const Status status = CheckSize(rule, size, label);
      REQUIRE_FALSE(status.ok());
      CHECK(status.code() == Code::kInvalidArgument);
      CHECK(status.reason() == "unsupported_size");
      CHECK(status.message() == c.message);
    }
  }
}

TEST_CASE("CheckSize without a label says 'this backend'", "[sizes]") {
  const Status status =
      CheckSize(SizeRuleFor("openai", "dall-e-3"), {512, 512}, "");
  CHECK(status.message() ==
        "this backend accepts 1024x1024, 1792x1024 or 1024x1792");
}

TEST_CASE("SizeRuleFor matches model names case-insensitively", "[sizes]") {
  CHECK(SizeRuleFor("openai", "DALL-E-3").fixed ==
        SizeRuleFor("openai", "dall-e-3").fixed);
  CHECK(SizeRuleFor("OpenAI", "dall-e-2").fixed.size() == 3);
}

TEST_CASE("Unknown types get the permissive Stable Diffusion rule", "[sizes]") {
  const SizeRule rule = SizeRuleFor("comfyui", "whatever");
  CHECK(rule.fixed.empty());
  CHECK(rule.multiple_of == 8);
  CHECK(rule.min_side == 64);
  CHECK(rule.max_side == 2048);
}

TEST_CASE("SuggestedSizes", "[sizes]") {
  SECTION("a fixed list is offered as is") {
    const SizeRule rule = SizeRuleFor("openai", "dall-e-3");
    CHECK(SuggestedSizes(rule) == rule.fixed);
  }
  SECTION("demo gets the presets up to 1024") {
    const std::vector<Size> want = {{256, 256},  {512, 512}, {768, 512},
                                    {512, 768},  {768, 768}, {1024, 1024},
                                    {1024, 768}, {768, 1024}};
    CHECK(SuggestedSizes(SizeRuleFor("demo", "")) == want);
  }
  SECTION("automatic1111 also gets the large landscape and portrait presets") {
    const std::vector<Size> got =
        SuggestedSizes(SizeRuleFor("automatic1111", ""));
    CHECK(got.size() == 10);
    CHECK(got.front() == Size{256, 256});
    CHECK(got.back() == Size{1024, 1536});
  }
  SECTION("every suggestion passes its own rule") {
    for (const auto& [type, model] :
         std::vector<std::pair<std::string, std::string>>{
             {"demo", ""},
             {"automatic1111", ""},
             {"openai", "dall-e-2"},
             {"openai", "gpt-image-1"},
             {"openai", "local-model"}}) {
      const SizeRule rule = SizeRuleFor(type, model);
      for (Size size : SuggestedSizes(rule)) {
        INFO(type << "/" << model << " " << size.ToString());
        CHECK(CheckSize(rule, size, model).ok());
      }
    }
  }
  SECTION("a rule allowing none of the presets suggests nothing") {
    CHECK(SuggestedSizes(SizeRule{{}, 7, 1, 100}).empty());
  }
}

}  // namespace
}  // namespace aigen::gen
