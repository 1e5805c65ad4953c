#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace aigen::gen {

struct Size {
  int width = 0;
  int height = 0;
  bool operator==(const Size&) const = default;
  std::string ToString() const;  // "1024x1024"
};

// What a backend's model accepts: either a fixed list, or any WxH whose sides
// are multiples of `multiple_of` within [min_side, max_side].
struct SizeRule {
  std::vector<Size> fixed;
  int multiple_of = 0;
  int min_side = 0;
  int max_side = 0;
};

// Parses "small" | "medium" | "large" (256, 512, 1024 square, as the seed
// did) or "WxH" (e.g. "1792x1024"). InvalidArgument naming the accepted forms.
Result<Size> ParseSize(std::string_view text);

// The rule for a backend type and model:
//   openai dall-e-2: 256/512/1024 square; dall-e-3: 1024x1024, 1792x1024,
//   1024x1792; gpt-image-*: 1024x1024, 1536x1024, 1024x1536; other openai-type
//   models (LocalAI, sd.cpp): multiples of 8 from 64 to 2048;
//   automatic1111: multiples of 8 from 64 to 2048; demo: multiples of 8 from
//   64 to 1024.
SizeRule SizeRuleFor(std::string_view type, std::string_view model);

// Ok, or InvalidArgument saying what the model accepts
// ("dall-e-3 accepts 1024x1024, 1792x1024 or 1024x1792").
Status CheckSize(const SizeRule& rule, Size size, std::string_view model_label);

// The sizes to offer in the UI: the fixed list, or the usual presets that the
// rule allows (256, 512, 768, 1024 square and common landscape/portrait).
std::vector<Size> SuggestedSizes(const SizeRule& rule);

}  // namespace aigen::gen
