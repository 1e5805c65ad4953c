#include "support/image_fixtures.h"

#include <stb_image_write.h>
#include <zlib.h>

#include <vector>

namespace aigen::testing {
namespace {

void AppendToString(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data),
                                             static_cast<size_t>(size));
}

void AppendBigEndian32(std::string& out, uint32_t value) {
  out.push_back(static_cast<char>((value >> 24) & 0xff));
  out.push_back(static_cast<char>((value >> 16) & 0xff));
  out.push_back(static_cast<char>((value >> 8) & 0xff));
  out.push_back(static_cast<char>(value & 0xff));
}

// A PNG chunk: length, type, data, and the CRC over type + data that decoders
// check, so the header is accepted as genuine.
void AppendChunk(std::string& out, const char type[4],
                 const std::string& data) {
  AppendBigEndian32(out, static_cast<uint32_t>(data.size()));
  std::string body(type, 4);
  body += data;
  out += body;
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(body.data()),
              static_cast<uInt>(body.size()));
  AppendBigEndian32(out, static_cast<uint32_t>(crc));
}

}  // namespace

std::string MakePng(int width, int height, uint8_t r, uint8_t g, uint8_t b) {
  std::vector<uint8_t> pixels(static_cast<size_t>(width) * height * 3);
  for (size_t i = 0; i < pixels.size(); i += 3) {
    pixels[i] = r;
    pixels[i + 1] = g;
    pixels[i + 2] = b;
  }
  std::string out;
  stbi_write_png_to_func(AppendToString, &out, width, height, 3, pixels.data(),
                         width * 3);
  return out;
}

std::string MakeJpeg(int width, int height) {
  // A gradient rather than a flat colour, so the encoder emits real data.
  std::vector<uint8_t> pixels(static_cast<size_t>(width) * height * 3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      size_t i = (static_cast<size_t>(y) * width + x) * 3;
      pixels[i] = static_cast<uint8_t>(x * 255 / (width > 1 ? width - 1 : 1));
      pixels[i + 1] =
          static_cast<uint8_t>(y * 255 / (height > 1 ? height - 1 : 1));
      pixels[i + 2] = 128;
    }
  }
  std::string out;
  stbi_write_jpg_to_func(AppendToString, &out, width, height, 3, pixels.data(),
                         90);
  return out;
}

std::string PngHeaderClaiming(int width, int height) {
  std::string out("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  AppendBigEndian32(ihdr, static_cast<uint32_t>(width));
  AppendBigEndian32(ihdr, static_cast<uint32_t>(height));
  ihdr.push_back(8);  // bit depth
  ihdr.push_back(2);  // colour type: truecolour (RGB)
  ihdr.push_back(0);  // compression
  ihdr.push_back(0);  // filter
  ihdr.push_back(0);  // interlace
  AppendChunk(out, "IHDR", ihdr);
  AppendChunk(out, "IEND", "");
  return out;
}

std::string TruncatedPng(int width, int height) {
  std::string png = MakePng(width, height);
  return png.substr(0, png.size() / 2);
}

}  // namespace aigen::testing
