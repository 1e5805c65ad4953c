#include "gen/sizes.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace aigen::gen {
namespace {

// Sides above this are refused while parsing, before any rule applies, so a
// long digit string can never overflow.
constexpr int kMaxParsedSide = 16384;
constexpr std::string_view kFormsMessage =
    "size must be \"small\", \"medium\", \"large\" or WIDTHxHEIGHT such as "
    "\"1024x1024\"";

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         EqualsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

std::string_view Trim(std::string_view text) {
  auto is_space = [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
  };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// Decimal digits only (no sign, no spaces), 1..kMaxParsedSide; 0 otherwise.
int ParseSide(std::string_view digits) {
  if (digits.empty() || digits.size() > 5) return 0;
  int value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + (c - '0');
  }
  return value <= kMaxParsedSide ? value : 0;
}

SizeRule Fixed(std::vector<Size> sizes) {
  return SizeRule{std::move(sizes), 0, 0, 0};
}

SizeRule Range(int multiple_of, int min_side, int max_side) {
  return SizeRule{{}, multiple_of, min_side, max_side};
}

bool RangeAllows(const SizeRule& rule, Size size) {
  for (int side : {size.width, size.height}) {
    if (side <= 0) return false;
    if (rule.min_side > 0 && side < rule.min_side) return false;
    if (rule.max_side > 0 && side > rule.max_side) return false;
    if (rule.multiple_of > 1 && side % rule.multiple_of != 0) return false;
  }
  return true;
}

bool Allows(const SizeRule& rule, Size size) {
  if (!rule.fixed.empty()) {
    return std::find(rule.fixed.begin(), rule.fixed.end(), size) !=
           rule.fixed.end();
  }
  return RangeAllows(rule, size);
}

// "a", "a or b", "a, b or c".
std::string JoinSizes(const std::vector<Size>& sizes) {
  std::string out;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (i > 0) out += (i + 1 == sizes.size()) ? " or " : ", ";
    out += sizes[i].ToString();
  }
  return out;
}

std::string DescribeRange(const SizeRule& rule) {
  std::string out = "widths and heights";
  if (rule.min_side > 0 && rule.max_side > 0) {
    out += " from " + std::to_string(rule.min_side) + " to " +
           std::to_string(rule.max_side);
  } else if (rule.max_side > 0) {
    out += " up to " + std::to_string(rule.max_side);
  } else if (rule.min_side > 0) {
    out += " from " + std::to_string(rule.min_side);
  }
  if (rule.multiple_of > 1)
    out += " that are multiples of " + std::to_string(rule.multiple_of);
  return out;
}

}  // namespace

std::string Size::ToString() const {
  return std::to_string(width) + "x" + std::to_string(height);
}

Result<Size> ParseSize(std::string_view text) {
  const std::string_view trimmed = Trim(text);
  if (EqualsIgnoreCase(trimmed, "small")) return Size{256, 256};
  if (EqualsIgnoreCase(trimmed, "medium")) return Size{512, 512};
  if (EqualsIgnoreCase(trimmed, "large")) return Size{1024, 1024};
  const size_t x = trimmed.find_first_of("xX");
  if (x != std::string_view::npos) {
    const int width = ParseSide(trimmed.substr(0, x));
    const int height = ParseSide(trimmed.substr(x + 1));
    if (width > 0 && height > 0) return Size{width, height};
  }
  return Status::InvalidArgument(std::string(kFormsMessage) +
                                     " (each side 1 to " +
                                     std::to_string(kMaxParsedSide) + ")",
                                 "invalid_size");
}

SizeRule SizeRuleFor(std::string_view type, std::string_view model) {
  if (EqualsIgnoreCase(type, "demo")) return Range(8, 64, 1024);
  if (EqualsIgnoreCase(type, "openai")) {
    if (EqualsIgnoreCase(model, "dall-e-2")) {
      return Fixed({{256, 256}, {512, 512}, {1024, 1024}});
    }
    if (EqualsIgnoreCase(model, "dall-e-3")) {
      return Fixed({{1024, 1024}, {1792, 1024}, {1024, 1792}});
    }
    if (StartsWithIgnoreCase(model, "gpt-image-")) {
      return Fixed({{1024, 1024}, {1536, 1024}, {1024, 1536}});
    }
  }
  // automatic1111, other OpenAI-compatible servers (LocalAI, sd.cpp) and any
  // type added later: what Stable Diffusion pipelines accept.
  return Range(8, 64, 2048);
}

Status CheckSize(const SizeRule& rule, Size size,
                 std::string_view model_label) {
  if (Allows(rule, size)) return Status::Ok();
  const std::string label =
      model_label.empty() ? "this backend" : std::string(model_label);
  const std::string accepted =
      rule.fixed.empty() ? DescribeRange(rule) : JoinSizes(rule.fixed);
  return Status::InvalidArgument(label + " accepts " + accepted,
                                 "unsupported_size");
}

std::vector<Size> SuggestedSizes(const SizeRule& rule) {
  if (!rule.fixed.empty()) return rule.fixed;
  static constexpr std::array<Size, 10> kPresets = {{
      {256, 256},
      {512, 512},
      {768, 512},
      {512, 768},
      {768, 768},
      {1024, 1024},
      {1024, 768},
      {768, 1024},
      {1536, 1024},
      {1024, 1536},
  }};
  std::vector<Size> out;
  for (const Size& size : kPresets) {
    if (RangeAllows(rule, size)) out.push_back(size);
  }
  return out;
}

}  // namespace aigen::gen
