#include <stb_image_write.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "media/image.h"
#include "support/image_fixtures.h"

namespace aigen::media {
namespace {

using aigen::testing::MakeJpeg;
using aigen::testing::MakePng;
using aigen::testing::PngHeaderClaiming;
using aigen::testing::TruncatedPng;

void Append(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data),
                                             static_cast<size_t>(size));
}

// An RGBA PNG with every pixel set to (r, g, b, a); the fixtures only make RGB.
std::string MakeRgbaPng(int width, int height, uint8_t r, uint8_t g, uint8_t b,
                        uint8_t a) {
  std::vector<uint8_t> pixels;
  for (int i = 0; i < width * height; ++i)
    pixels.insert(pixels.end(), {r, g, b, a});
  std::string out;
  stbi_write_png_to_func(Append, &out, width, height, 4, pixels.data(),
                         width * 4);
  return out;
}

// A real JPEG whose frame header (SOF0) is patched to claim width x height.
std::string JpegClaiming(int width, int height) {
  std::string jpeg = MakeJpeg(16, 16);
  size_t sof = jpeg.find("\xFF\xC0");
  REQUIRE(sof != std::string::npos);
  jpeg[sof + 5] = static_cast<char>(height >> 8);
  jpeg[sof + 6] = static_cast<char>(height & 0xFF);
  jpeg[sof + 7] = static_cast<char>(width >> 8);
  jpeg[sof + 8] = static_cast<char>(width & 0xFF);
  return jpeg;
}

DecodedImage Solid(int width, int height, std::vector<uint8_t> pixel) {
  DecodedImage image;
  image.width = width;
  image.height = height;
  image.channels = static_cast<int>(pixel.size());
  for (int i = 0; i < width * height; ++i) {
    image.pixels.insert(image.pixels.end(), pixel.begin(), pixel.end());
  }
  return image;
}

TEST_CASE("DecodeImage accepts PNG and JPEG with their dimensions",
          "[media][image]") {
  struct Case {
    const char* name;
    std::string bytes;
    Format format;
    int width, height, channels;
  };
  std::vector<Case> cases = {
      {"png landscape", MakePng(64, 48), Format::kPng, 64, 48, 3},
      {"png 1x1", MakePng(1, 1), Format::kPng, 1, 1, 3},
      {"jpeg wide", MakeJpeg(100, 30), Format::kJpeg, 100, 30, 3},
      {"jpeg portrait", MakeJpeg(33, 77), Format::kJpeg, 33, 77, 3},
      {"png with alpha", MakeRgbaPng(20, 10, 1, 2, 3, 128), Format::kPng, 20,
       10, 4},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      Result<DecodedImage> image = DecodeImage(c.bytes);
      REQUIRE(image.ok());
      CHECK(image->format == c.format);
      CHECK(image->width == c.width);
      CHECK(image->height == c.height);
      CHECK(image->channels == c.channels);
      CHECK(image->pixels.size() ==
            static_cast<size_t>(c.width * c.height * c.channels));
    }
  }
}

TEST_CASE("DecodeImage returns the pixels that were encoded",
          "[media][image]") {
  Result<DecodedImage> rgb = DecodeImage(MakePng(3, 2, 200, 80, 40));
  REQUIRE(rgb.ok());
  for (size_t i = 0; i < rgb->pixels.size(); i += 3) {
    CHECK(std::vector<uint8_t>(rgb->pixels.begin() + i,
                               rgb->pixels.begin() + i + 3) ==
          std::vector<uint8_t>{200, 80, 40});
  }
  Result<DecodedImage> rgba = DecodeImage(MakeRgbaPng(2, 2, 10, 20, 30, 40));
  REQUIRE(rgba.ok());
  CHECK(std::vector<uint8_t>(rgba->pixels.begin(), rgba->pixels.begin() + 4) ==
        std::vector<uint8_t>{10, 20, 30, 40});
}

TEST_CASE("DecodeImage refuses bad input with a reason", "[media][image]") {
  std::string png = MakePng(64, 64);
  std::string jpeg = MakeJpeg(64, 64);
  ImageLimits tiny_bytes;
  tiny_bytes.max_bytes = png.size() - 1;
  ImageLimits tiny_sides;
  tiny_sides.max_side = 32;
  struct Case {
    const char* name;
    std::string bytes;
    ImageLimits limits;
    const char* reason;
  };
  std::vector<Case> cases = {
      {"empty", "", {}, "not_an_image"},
      {"text", "hello, this is not an image", {}, "not_an_image"},
      {"json error body", R"({"error":"out of memory"})", {}, "not_an_image"},
      {"gif",
       std::string("GIF89a\x01\0\x01\0\0\0\0;", 14),
       {},
       "unsupported_image_format"},
      {"bmp",
       std::string("BM\x3a\0\0\0\0\0\0\0\x36\0\0\0", 14),
       {},
       "unsupported_image_format"},
      {"webp",
       std::string("RIFF\x24\0\0\0WEBPVP8 ", 16),
       {},
       "unsupported_image_format"},
      {"over max_bytes", png, tiny_bytes, "image_too_large"},
      {"side over max_side", MakePng(64, 16), tiny_sides,
       "image_dimensions_too_large"},
      {"header claims 10000x10000",
       PngHeaderClaiming(10000, 10000),
       {},
       "image_dimensions_too_large"},
      {"header claims 100000x100000",
       PngHeaderClaiming(100000, 100000),
       {},
       "image_dimensions_too_large"},
      {"header claims 5000x1",
       PngHeaderClaiming(5000, 1),
       {},
       "image_dimensions_too_large"},
      {"jpeg claims 10000x10000",
       JpegClaiming(10000, 10000),
       {},
       "image_dimensions_too_large"},
      {"jpeg claims 65535x2",
       JpegClaiming(65535, 2),
       {},
       "image_dimensions_too_large"},
      {"jpeg claims 0 height", JpegClaiming(16, 0), {}, "corrupt_image"},
      {"jpeg with no frame header",
       std::string("\xFF\xD8\xFF\xD9", 4),
       {},
       "corrupt_image"},
      {"header claims a sane size, no data",
       PngHeaderClaiming(64, 64),
       {},
       "corrupt_image"},
      {"header claims 0x10", PngHeaderClaiming(0, 10), {}, "corrupt_image"},
      {"truncated png", TruncatedPng(64, 64), {}, "corrupt_image"},
      {"truncated larger png", TruncatedPng(300, 200), {}, "corrupt_image"},
      {"truncated jpeg", jpeg.substr(0, jpeg.size() / 2), {}, "corrupt_image"},
      {"png signature then junk",
       png.substr(0, 8) + std::string(200, 'x'),
       {},
       "corrupt_image"},
      {"jpeg magic then junk",
       std::string("\xFF\xD8\xFF") + std::string(200, 'x'),
       {},
       "corrupt_image"},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      Result<DecodedImage> image = DecodeImage(c.bytes, c.limits);
      REQUIRE_FALSE(image.ok());
      CHECK(image.status().code() == Code::kInvalidArgument);
      CHECK(image.status().reason() == c.reason);
      CHECK_FALSE(image.status().message().empty());
    }
  }
}

TEST_CASE("A header claiming a huge image fails before any decoding",
          "[media][image]") {
  // The reason alone proves the header check ran first: had the decoder been
  // reached, it would have tried to allocate 300 MB for 10000x10000 RGB and
  // then failed on the missing pixel data with "corrupt_image".
  Result<DecodedImage> image = DecodeImage(PngHeaderClaiming(10000, 10000));
  REQUIRE_FALSE(image.ok());
  CHECK(image.status().reason() == "image_dimensions_too_large");
}

TEST_CASE("MakeThumbnail fits the longest side, never upscaling",
          "[media][image]") {
  struct Case {
    const char* name;
    int width, height, max_side;
    int want_width, want_height;
  };
  std::vector<Case> cases = {
      {"landscape", 1024, 512, 256, 256, 128},
      {"portrait", 300, 600, 256, 128, 256},
      {"square at the limit", 256, 256, 256, 256, 256},
      {"small is kept", 100, 50, 256, 100, 50},
      {"thin strip keeps a pixel", 1000, 3, 256, 256, 1},
      {"odd ratio rounds", 1000, 333, 100, 100, 33},
      {"custom max side", 640, 480, 64, 64, 48},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      Result<std::string> thumb =
          MakeThumbnail(Solid(c.width, c.height, {9, 99, 199}), c.max_side);
      REQUIRE(thumb.ok());
      Result<DecodedImage> decoded = DecodeImage(*thumb);
      REQUIRE(decoded.ok());
      CHECK(decoded->format == Format::kJpeg);
      CHECK(decoded->channels == 3);
      CHECK(decoded->width == c.want_width);
      CHECK(decoded->height == c.want_height);
    }
  }
}

TEST_CASE("MakeThumbnail of a decoded PNG is a JPEG of the same colour",
          "[media][image]") {
  Result<DecodedImage> image = DecodeImage(MakePng(512, 300, 200, 80, 40));
  REQUIRE(image.ok());
  Result<std::string> thumb = MakeThumbnail(*image);
  REQUIRE(thumb.ok());
  CHECK(thumb->starts_with("\xFF\xD8\xFF"));
  Result<DecodedImage> decoded = DecodeImage(*thumb);
  REQUIRE(decoded.ok());
  CHECK(decoded->width == 256);
  CHECK(decoded->height == 150);
  // JPEG is lossy; a flat colour survives within a few levels.
  CHECK(decoded->pixels[0] == Approx(200).margin(4));
  CHECK(decoded->pixels[1] == Approx(80).margin(4));
  CHECK(decoded->pixels[2] == Approx(40).margin(4));
}

TEST_CASE("MakeThumbnail composites alpha on white", "[media][image]") {
  struct Case {
    const char* name;
    std::vector<uint8_t> rgba;
    int want;  // every channel, approximately
  };
  std::vector<Case> cases = {
      {"fully transparent red is white", {255, 0, 0, 0}, 255},
      {"half transparent black is grey", {0, 0, 0, 128}, 127},
      {"opaque black stays black", {0, 0, 0, 255}, 0},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      Result<std::string> thumb = MakeThumbnail(Solid(300, 300, c.rgba));
      REQUIRE(thumb.ok());
      Result<DecodedImage> decoded = DecodeImage(*thumb);
      REQUIRE(decoded.ok());
      CHECK(decoded->width == 256);
      for (int channel = 0; channel < 3; ++channel) {
        CHECK(decoded->pixels[channel] == Approx(c.want).margin(4));
      }
    }
  }
}

TEST_CASE("MakeThumbnail refuses malformed input", "[media][image]") {
  DecodedImage short_pixels = Solid(4, 4, {1, 2, 3});
  short_pixels.pixels.pop_back();
  struct Case {
    const char* name;
    DecodedImage image;
    int max_side;
  };
  std::vector<Case> cases = {
      {"empty image", DecodedImage{}, 256},
      {"two channels", Solid(4, 4, {1, 2}), 256},
      {"pixel buffer too short", short_pixels, 256},
      {"zero max side", Solid(4, 4, {1, 2, 3}), 0},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      Result<std::string> thumb = MakeThumbnail(c.image, c.max_side);
      REQUIRE_FALSE(thumb.ok());
      CHECK(thumb.status().code() == Code::kInvalidArgument);
    }
  }
}

TEST_CASE("Extension and ContentType name each format", "[media][image]") {
  CHECK(Extension(Format::kPng) == ".png");
  CHECK(Extension(Format::kJpeg) == ".jpg");
  CHECK(ContentType(Format::kPng) == "image/png");
  CHECK(ContentType(Format::kJpeg) == "image/jpeg");
}

}  // namespace
}  // namespace aigen::media
