#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace aigen::media {

enum class Format { kPng, kJpeg };

// Limits applied to every image a backend returns.
struct ImageLimits {
  size_t max_bytes = 32u << 20;  // 32 MiB
  int max_side = 4096;
};

// A validated, decoded image. `pixels` is 8-bit, `channels` per pixel
// (3 = RGB or 4 = RGBA), row-major, no padding.
struct DecodedImage {
  Format format = Format::kPng;
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<uint8_t> pixels;
};

// Checks that `bytes` are a PNG or JPEG (by magic number), no larger than
// limits.max_bytes, with sides in 1..limits.max_side read from the header
// BEFORE decoding (stbi_info_from_memory), then decodes it fully (a truncated
// or corrupt file fails). Errors: InvalidArgument (reason "not_an_image",
// "unsupported_image_format", "image_too_large", "image_dimensions_too_large",
// "corrupt_image"), each with a message a user can read.
Result<DecodedImage> DecodeImage(std::string_view bytes,
                                 const ImageLimits& limits = {});

// A JPEG (quality 85) whose longest side is at most `max_side` (never
// upscaled), resized with stb_image_resize; alpha is composited on white.
Result<std::string> MakeThumbnail(const DecodedImage& image,
                                  int max_side = 256);

// ".png" or ".jpg".
std::string_view Extension(Format format);
// "image/png" or "image/jpeg".
std::string_view ContentType(Format format);

}  // namespace aigen::media
