#include "gen/demo_backend.h"

#include <zlib.h>

#include <algorithm>
#include <limits>

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

void AppendBigEndian32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out += static_cast<char>((value >> shift) & 0xff);
}

void AppendChunk(std::string& png, std::string_view type,
                 std::string_view data) {
  AppendBigEndian32(png, static_cast<uint32_t>(data.size()));
  const size_t start = png.size();
  png.append(type);
  png.append(data);
  const auto* typed = reinterpret_cast<const Bytef*>(png.data() + start);
  AppendBigEndian32(png, static_cast<uint32_t>(crc32(
                             0, typed, static_cast<uInt>(png.size() - start))));
}

// Our own PNG writer rather than stb's: stb tries all five row filters (~180
// ms at 1024x1024, HTTPLIB.md) unless a process-global is set, and even then
// its deflate is ~3x slower than zlib level 1 over "sub"-filtered rows, which
// also gives smaller files for these smooth pictures. It also lets the tEXt
// chunk go in directly.
Result<std::string> EncodePng(const std::vector<uint8_t>& rgb, int width,
                              int height) {
  const size_t stride = static_cast<size_t>(width) * 3;
  std::vector<uint8_t> raw((stride + 1) * height);
  for (int y = 0; y < height; ++y) {
    const uint8_t* in = &rgb[y * stride];
    uint8_t* out = &raw[y * (stride + 1)];
    out[0] =
        1;  // filter type "sub": each byte minus the same channel to its left
    std::copy(in, in + 3, out + 1);
    for (size_t i = 3; i < stride; ++i)
      out[1 + i] = static_cast<uint8_t>(in[i] - in[i - 3]);
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
                raw.data(), static_cast<uLong>(raw.size()), 1) != Z_OK) {
    return Status::Internal("demo generator: PNG compression failed");
  }
  packed.resize(packed_size);
  std::string header;
  AppendBigEndian32(header, static_cast<uint32_t>(width));
  AppendBigEndian32(header, static_cast<uint32_t>(height));
  header += std::string("\x08\x02\x00\x00\x00",
                        5);  // 8-bit RGB, deflate, no interlace
  std::string text(kSoftwareKey);
  text += '\0';
  text.append(kSoftwareValue);
  std::string png("\x89PNG\r\n\x1a\n", 8);
  AppendChunk(png, "IHDR", header);
  AppendChunk(png, "tEXt", text);
  AppendChunk(png, "IDAT", packed);
  AppendChunk(png, "IEND", "");
  return png;
}

Status CanceledStatus() { return Status::Canceled("generation canceled"); }

}  // namespace

int64_t DemoSeedFor(std::string_view prompt) {
  return DemoSeedForPrompt(prompt);
}

Result<std::string> RenderDemoPng(
    std::string_view prompt, int64_t seed, int width, int height,
    const std::function<bool(double)>& on_progress) {
  if (width < 1 || height < 1 || width > kMaxSide || height > kMaxSide) {
    return Status::InvalidArgument(
        "demo image sides must be 1 to " + std::to_string(kMaxSide) +
            " pixels, got " + Size{width, height}.ToString(),
        "unsupported_size");
  }
  const DemoScene scene = MakeDemoScene(prompt, seed);
  std::vector<uint8_t> rgb(static_cast<size_t>(width) * height * 3);
  const bool painted =
      RenderDemoScene(scene, width, height, rgb.data(), [&](int rows) {
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
  info_.max_n = config.max_n >= 1 && config.max_n <= kMaxImages ? config.max_n
                                                                : kMaxImages;
  info_.concurrency = std::max(1, config.concurrency);
  info_.sizes = SizeRuleFor("demo", "");
}

Result<std::vector<GeneratedImage>> DemoBackend::Generate(
    const GenerateRequest& request, JobControl& control) {
  if (request.n < 1 || request.n > info_.max_n) {
    return Status::InvalidArgument("n must be between 1 and " +
                                       std::to_string(info_.max_n) + " for " +
                                       info_.name,
                                   "invalid_n");
  }
  Status size_ok = CheckSize(info_.sizes, {request.width, request.height},
                             "the demo generator");
  if (!size_ok.ok()) return size_ok;
  const int64_t first =
      request.seed >= 0 ? request.seed : DemoSeedFor(request.prompt);
  std::vector<GeneratedImage> images;
  double reported = -1;
  for (int i = 0; i < request.n; ++i) {
    if (control.canceled.load()) return CanceledStatus();
    // Wraps within the non-negative range instead of overflowing.
    const auto seed = static_cast<int64_t>(
        (static_cast<uint64_t>(first) + i) &
        static_cast<uint64_t>(std::numeric_limits<int64_t>::max()));
    Result<std::string> png = RenderDemoPng(
        request.prompt, seed, request.width, request.height, [&](double done) {
          if (control.canceled.load()) return false;
          const double overall = (i + done) / request.n;
          // Every row would flood listeners (SSE): report in ~2% steps.
          if (control.on_progress &&
              (overall - reported >= 0.02 || overall >= 1.0)) {
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
