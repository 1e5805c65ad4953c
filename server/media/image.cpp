#include "media/image.h"

#include <stb_image.h>
#include <stb_image_resize.h>
#include <stb_image_write.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
#include <optional>

namespace aigen::media {
namespace {

constexpr std::string_view kPngMagic("\x89PNG\r\n\x1a\n", 8);
constexpr std::string_view kJpegMagic("\xFF\xD8\xFF", 3);
constexpr int kThumbnailQuality = 85;

struct StbiFree {
  void operator()(unsigned char* p) const { stbi_image_free(p); }
};

// stb_image's reasons are terse ("too large", "bad IHDR len") and may be
// compiled out; never hand a null to std::string.
std::string StbReason() {
  const char* reason = stbi_failure_reason();
  return reason && *reason ? reason : "unknown decoder error";
}

Status Invalid(std::string message, std::string reason) {
  return Status::InvalidArgument(std::move(message), std::move(reason));
}

// Formats we know but refuse get a distinct reason from random bytes, so a
// user sees "the backend sent a GIF" rather than "not an image".
bool IsKnownOtherFormat(std::string_view bytes) {
  using namespace std::string_view_literals;
  // GIF, BMP, TIFF (both byte orders), ICO, QOI.
  static constexpr std::string_view kOthers[] = {
      "GIF87a"sv, "GIF89a"sv,   "BM"sv,   "II*\0"sv,
      "MM\0*"sv,  "\0\0\1\0"sv, "qoif"sv,
  };
  for (std::string_view magic : kOthers) {
    if (bytes.starts_with(magic)) return true;
  }
  // WebP: "RIFF" <size> "WEBP".
  return bytes.size() >= 12 && bytes.starts_with("RIFF") &&
         bytes.substr(8, 4) == "WEBP";
}

Result<Format> SniffFormat(std::string_view bytes) {
  if (bytes.starts_with(kPngMagic)) return Format::kPng;
  if (bytes.starts_with(kJpegMagic)) return Format::kJpeg;
  if (IsKnownOtherFormat(bytes)) {
    return Invalid("only PNG and JPEG images are accepted",
                   "unsupported_image_format");
  }
  return Invalid("the data is not a PNG or JPEG image", "not_an_image");
}

// stb_image tolerates a JPEG cut short (it pads the missing scan data), so a
// truncated download would be stored as a half-grey picture. A complete JPEG
// ends its last scan (SOS, FFDA) with an end-of-image marker (EOI, FFD9);
// entropy-coded data cannot contain either because 0xFF is byte-stuffed.
bool JpegHasEndMarker(std::string_view bytes) {
  size_t last_scan = bytes.rfind("\xFF\xDA");
  size_t end = bytes.rfind("\xFF\xD9");
  return last_scan != std::string_view::npos && end != std::string_view::npos &&
         end > last_scan;
}

struct HeaderInfo {
  int width = 0;
  int height = 0;
  int channels = 0;
};

struct ClaimedSize {
  uint32_t width = 0;
  uint32_t height = 0;
};

uint32_t BigEndian(std::string_view bytes, size_t at, size_t count) {
  uint32_t value = 0;
  for (size_t i = 0; i < count; ++i)
    value = (value << 8) | static_cast<uint8_t>(bytes[at + i]);
  return value;
}

// The IHDR chunk must come first, right after the 8-byte signature.
std::optional<ClaimedSize> ReadPngSize(std::string_view bytes) {
  if (bytes.size() < 24 || bytes.substr(12, 4) != "IHDR") return std::nullopt;
  return ClaimedSize{BigEndian(bytes, 16, 4), BigEndian(bytes, 20, 4)};
}

// Walks the marker segments after SOI up to the first start-of-frame.
std::optional<ClaimedSize> ReadJpegSize(std::string_view bytes) {
  size_t at = 2;
  while (at + 4 <= bytes.size()) {
    if (static_cast<uint8_t>(bytes[at]) != 0xFF) return std::nullopt;
    uint8_t marker = static_cast<uint8_t>(bytes[at + 1]);
    if (marker == 0xFF) {  // fill byte before a marker
      ++at;
      continue;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length
      at += 2;
      continue;
    }
    if (marker == 0xDA || marker == 0xD9)
      return std::nullopt;  // data before a frame
    size_t length = BigEndian(bytes, at + 2, 2);
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC) which share the
    // range.
    bool is_frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 &&
                    marker != 0xC8 && marker != 0xCC;
    if (is_frame) {
      if (length < 7 || at + 9 > bytes.size()) return std::nullopt;
      return ClaimedSize{BigEndian(bytes, at + 7, 2),
                         BigEndian(bytes, at + 5, 2)};
    }
    if (length < 2) return std::nullopt;
    at += 2 + length;
  }
  return std::nullopt;
}

// Reads the size from the header ourselves: stb_image's info call rejects
// huge claims with a generic "unknown image type" (it retries every format),
// and the decoder must never be reached with a size we would refuse.
Result<HeaderInfo> ReadHeader(std::string_view bytes, Format format,
                              const ImageLimits& limits) {
  std::optional<ClaimedSize> claimed =
      format == Format::kPng ? ReadPngSize(bytes) : ReadJpegSize(bytes);
  if (!claimed || claimed->width == 0 || claimed->height == 0) {
    return Invalid("the image header is corrupt or missing", "corrupt_image");
  }
  auto max_side = static_cast<uint32_t>(std::max(limits.max_side, 0));
  if (claimed->width > max_side || claimed->height > max_side) {
    return Invalid("image is " + std::to_string(claimed->width) + "x" +
                       std::to_string(claimed->height) +
                       "; each side must be 1.." +
                       std::to_string(limits.max_side) + " pixels",
                   "image_dimensions_too_large");
  }
  HeaderInfo info;
  if (!stbi_info_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()),
                             static_cast<int>(bytes.size()), &info.width,
                             &info.height, &info.channels)) {
    return Invalid("the image header is corrupt: " + StbReason(),
                   "corrupt_image");
  }
  if (static_cast<uint32_t>(info.width) != claimed->width ||
      static_cast<uint32_t>(info.height) != claimed->height) {
    return Invalid("the image header is inconsistent", "corrupt_image");
  }
  return info;
}

}  // namespace

Result<DecodedImage> DecodeImage(std::string_view bytes,
                                 const ImageLimits& limits) {
  if (bytes.empty()) return Invalid("the image is empty", "not_an_image");
  // stb takes an int length; anything near that is far beyond any sane limit.
  if (bytes.size() > limits.max_bytes ||
      bytes.size() > static_cast<size_t>(INT_MAX)) {
    return Invalid("image is " + std::to_string(bytes.size()) +
                       " bytes; the limit is " +
                       std::to_string(limits.max_bytes),
                   "image_too_large");
  }
  Result<Format> format = SniffFormat(bytes);
  if (!format.ok()) return format.status();
  Result<HeaderInfo> header = ReadHeader(bytes, *format, limits);
  if (!header.ok()) return header.status();
  if (*format == Format::kJpeg && !JpegHasEndMarker(bytes)) {
    return Invalid("the JPEG image is truncated (no end marker)",
                   "corrupt_image");
  }

  bool has_alpha = header->channels == 2 || header->channels == 4;
  int wanted = has_alpha ? 4 : 3;
  int width = 0, height = 0, in_file = 0;
  std::unique_ptr<unsigned char, StbiFree> pixels(stbi_load_from_memory(
      reinterpret_cast<const stbi_uc*>(bytes.data()),
      static_cast<int>(bytes.size()), &width, &height, &in_file, wanted));
  if (!pixels) {
    return Invalid("the image data is corrupt: " + StbReason(),
                   "corrupt_image");
  }
  // The header was checked, but the decoder is the authority on what it made.
  if (width != header->width || height != header->height) {
    return Invalid("the image size changed while decoding", "corrupt_image");
  }

  DecodedImage image;
  image.format = *format;
  image.width = width;
  image.height = height;
  image.channels = wanted;
  size_t size =
      static_cast<size_t>(width) * static_cast<size_t>(height) * wanted;
  image.pixels.assign(pixels.get(), pixels.get() + size);
  return image;
}

namespace {

// JPEG has no alpha: blend onto white, which is what a browser shows a
// transparent PNG on in our gallery.
std::vector<uint8_t> CompositeOnWhite(const DecodedImage& image) {
  size_t count =
      static_cast<size_t>(image.width) * static_cast<size_t>(image.height);
  std::vector<uint8_t> rgb(count * 3);
  for (size_t i = 0; i < count; ++i) {
    const uint8_t* src = &image.pixels[i * 4];
    unsigned alpha = src[3];
    for (int c = 0; c < 3; ++c) {
      unsigned blended = (src[c] * alpha + 255u * (255u - alpha) + 127u) / 255u;
      rgb[i * 3 + c] = static_cast<uint8_t>(blended);
    }
  }
  return rgb;
}

void AppendToString(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data),
                                             static_cast<size_t>(size));
}

// Scales so the longest side is `max_side`, rounding to nearest and keeping
// at least one pixel on the short side (a 4096x1 strip stays visible).
std::pair<int, int> ThumbnailSize(int width, int height, int max_side) {
  int longest = std::max(width, height);
  if (longest <= max_side) return {width, height};
  auto scale = [&](int side) {
    long long scaled =
        (static_cast<long long>(side) * max_side + longest / 2) / longest;
    return static_cast<int>(std::clamp<long long>(scaled, 1, max_side));
  };
  return {scale(width), scale(height)};
}

}  // namespace

Result<std::string> MakeThumbnail(const DecodedImage& image, int max_side) {
  if (max_side < 1)
    return Status::InvalidArgument("thumbnail size must be positive");
  size_t expected = static_cast<size_t>(std::max(image.width, 0)) *
                    static_cast<size_t>(std::max(image.height, 0)) *
                    static_cast<size_t>(std::max(image.channels, 0));
  if (image.width < 1 || image.height < 1 ||
      (image.channels != 3 && image.channels != 4) ||
      image.pixels.size() != expected) {
    return Status::InvalidArgument("not a valid decoded image");
  }

  std::vector<uint8_t> composited;
  const uint8_t* rgb = image.pixels.data();
  if (image.channels == 4) {
    composited = CompositeOnWhite(image);
    rgb = composited.data();
  }

  auto [width, height] = ThumbnailSize(image.width, image.height, max_side);
  std::vector<uint8_t> resized;
  if (width != image.width || height != image.height) {
    resized.resize(static_cast<size_t>(width) * static_cast<size_t>(height) *
                   3);
    if (!stbir_resize_uint8(rgb, image.width, image.height, 0, resized.data(),
                            width, height, 0, 3)) {
      return Status::Internal("thumbnail resize failed");
    }
    rgb = resized.data();
  }

  std::string jpeg;
  if (!stbi_write_jpg_to_func(AppendToString, &jpeg, width, height, 3, rgb,
                              kThumbnailQuality) ||
      jpeg.empty()) {
    return Status::Internal("thumbnail JPEG encoding failed");
  }
  return jpeg;
}

std::string_view Extension(Format format) {
  return format == Format::kPng ? ".png" : ".jpg";
}

std::string_view ContentType(Format format) {
  return format == Format::kPng ? "image/png" : "image/jpeg";
}

}  // namespace aigen::media
