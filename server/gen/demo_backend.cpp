#include "gen/demo_backend.h"

#include <stb_image_write.h>

#include <algorithm>
#include <array>
#include <limits>
#include <mutex>

#include "gen/demo_palette.h"
#include "gen/demo_render.h"

namespace aigen::gen {
namespace {

constexpr int kMaxSide = 4096;
constexpr int kMaxImages = 4;
constexpr std::string_view kSoftwareKey = "Software";
constexpr std::string_view kSoftwareValue = "aigen demo generator (not AI)";
// Painting is most of the work; the rest of the progress bar is encoding.
constexpr double kPaintShare = 0.9;
// One fixed PNG row filter: stb otherwise tries all five per row, which costs
// ~180 ms at 1024x1024 (HTTPLIB.md). "Up" suits our vertical gradients.
constexpr int kPngFilter = 2;
constexpr int kPngCompression = 6;

uint32_t Crc32(std::string_view bytes) {
  static const std::array<uint32_t, 256> kTable = [] {
    std::array<uint32_t, 256> table{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      table[n] = c;
    }
    return table;
  }();
  uint32_t crc = 0xffffffffu;
  for (char ch : bytes) crc = kTable[(crc ^ static_cast<uint8_t>(ch)) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

void AppendBigEndian32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xff);
}

std::string TextChunk(std::string_view key, std::string_view value) {
  std::string body = "tEXt";
  body.append(key);
  body += '\0';
  body.append(value);
  std::string chunk;
  AppendBigEndian32(chunk, static_cast<uint32_t>(body.size() - 4));
  chunk += body;
  AppendBigEndian32(chunk, Crc32(body));
  return chunk;
}

void AppendToString(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), size);
}

// stb's encoder options are process-wide globals in libstb.so: set them and
// encode under one lock so concurrent demo jobs always see the same values.
std::mutex& EncoderMutex() {
  static std::mutex mutex;
  return mutex;
}

Result<std::string> EncodePng(const std::vector<uint8_t>& rgb, int width, int height) {
  std::string png;
  png.reserve(rgb.size() / 4);
  int written = 0;
  {
    std::lock_guard<std::mutex> lock(EncoderMutex());
    stbi_write_force_png_filter = kPngFilter;
    stbi_write_png_compression_level = kPngCompression;
    written = stbi_write_png_to_func(&AppendToString, &png, width, height, 3, rgb.data(), width * 3);
  }
  // The signature (8 bytes) and IHDR (25 bytes) come first; tEXt goes after.
  constexpr size_t kAfterIhdr = 33;
  if (written == 0 || png.size() < kAfterIhdr || png.compare(12, 4, "IHDR") != 0) {
    return Status::Internal("demo generator: PNG encoding failed");
  }
  png.insert(kAfterIhdr, TextChunk(kSoftwareKey, kSoftwareValue));
  return png;
}

Status CanceledStatus() { return Status::Canceled("generation canceled"); }

}  // namespace

int64_t DemoSeedFor(std::string_view prompt) { return DemoSeedForPrompt(prompt); }

Result<std::string> RenderDemoPng(std::string_view prompt, int64_t seed, int width, int height,
                                  const std::function<bool(double)>& on_progress) {
  if (width < 1 || height < 1 || width > kMaxSide || height > kMaxSide) {
    return Status::InvalidArgument("demo image sides must be 1 to " + std::to_string(kMaxSide) +
                                       " pixels, got " + Size{width, height}.ToString(),
                                   "unsupported_size");
  }
  const DemoScene scene = MakeDemoScene(prompt, seed);
  std::vector<uint8_t> rgb(static_cast<size_t>(width) * height * 3);
  const bool painted = RenderDemoScene(scene, width, height, rgb.data(), [&](int rows) {
    return !on_progress || on_progress(kPaintShare * rows / height);
  });
  if (!painted) return CanceledStatus();
  DrawDemoCaption(rgb.data(), width, height);
  Result<std::string> png = EncodePng(rgb, width, height);
  if (png.ok() && on_progress && !on_progress(1.0)) return CanceledStatus();
  return png;
}

DemoBackend::DemoBackend(const config::BackendConfig& config) {
  info_.name = config.name;
  info_.type = "demo";
  info_.model = "";
  info_.is_demo = true;
  info_.max_n = config.max_n >= 1 && config.max_n <= kMaxImages ? config.max_n : kMaxImages;
  info_.concurrency = std::max(1, config.concurrency);
  info_.sizes = SizeRuleFor("demo", "");
}

Result<std::vector<GeneratedImage>> DemoBackend::Generate(const GenerateRequest& request,
                                                          JobControl& control) {
  if (request.n < 1 || request.n > info_.max_n) {
    return Status::InvalidArgument(
        "n must be between 1 and " + std::to_string(info_.max_n) + " for " + info_.name,
        "invalid_n");
  }
  Status size_ok = CheckSize(info_.sizes, {request.width, request.height}, "the demo generator");
  if (!size_ok.ok()) return size_ok;
  const int64_t first = request.seed >= 0 ? request.seed : DemoSeedFor(request.prompt);
  std::vector<GeneratedImage> images;
  double reported = -1;
  for (int i = 0; i < request.n; ++i) {
    if (control.canceled.load()) return CanceledStatus();
    // Wraps within the non-negative range instead of overflowing.
    const auto seed = static_cast<int64_t>((static_cast<uint64_t>(first) + i) & static_cast<uint64_t>(std::numeric_limits<int64_t>::max()));
    Result<std::string> png =
        RenderDemoPng(request.prompt, seed, request.width, request.height, [&](double done) {
          if (control.canceled.load()) return false;
          const double overall = (i + done) / request.n;
          // Every row would flood listeners (SSE): report in ~2% steps.
          if (control.on_progress && (overall - reported >= 0.02 || overall >= 1.0)) {
            reported = overall;
            control.on_progress(overall);
          }
          return true;
        });
    if (!png.ok()) return png.status();
    images.push_back(GeneratedImage{std::move(png).value(), seed, ""});
  }
  return images;
}

void DemoBackend::Cancel(JobControl& control) { control.canceled.store(true); }

}  // namespace aigen::gen
