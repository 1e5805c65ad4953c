#pragma once

#include <cstdint>
#include <string>

namespace aigen::testing {

// A real PNG of w x h RGB pixels filled with (r, g, b).
std::string MakePng(int width, int height, uint8_t r = 200, uint8_t g = 80,
                    uint8_t b = 40);

// A real JPEG of w x h RGB pixels.
std::string MakeJpeg(int width, int height);

// A PNG signature and a valid IHDR chunk claiming width x height, followed by
// nothing useful: what a hostile backend sends to make us allocate gigabytes.
std::string PngHeaderClaiming(int width, int height);

// The first half of a real PNG: a valid header, truncated image data.
std::string TruncatedPng(int width, int height);

}  // namespace aigen::testing
