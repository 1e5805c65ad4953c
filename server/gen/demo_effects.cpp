#include <algorithm>
#include <cmath>
#include <string_view>

#include "gen/demo_render.h"

namespace aigen::gen {
namespace {

float Clamp01(float v) { return v < 0 ? 0 : (v > 1 ? 1 : v); }

uint64_t CellHash(int cx, int cy, uint64_t seed) {
  const uint64_t key =
      (static_cast<uint64_t>(static_cast<uint32_t>(cx)) << 32) |
      static_cast<uint32_t>(cy);
  return Mix64(seed ^ Mix64(key));
}

// 5x7 glyphs, one byte per row, bit 4 = leftmost column. Only what the
// caption needs.
struct Glyph {
  char c;
  uint8_t rows[7];
};
constexpr Glyph kGlyphs[] = {
    {'D', {0x1e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1e}},
    {'E', {0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f}},
    {'M', {0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11}},
    {'O', {0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e}},
    {'N', {0x11, 0x19, 0x15, 0x13, 0x11, 0x11, 0x11}},
    {'T', {0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}},
    {'A', {0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11}},
    {'I', {0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e}},
    {'-', {0x00, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x00}},
};

bool GlyphBit(char c, int col, int row) {
  for (const Glyph& glyph : kGlyphs) {
    if (glyph.c == c) return (glyph.rows[row] >> (4 - col)) & 1;
  }
  return false;  // space
}

// Blends `color` with weight `alpha` into the w x h rectangle at (x0, y0).
void BlendRect(uint8_t* rgb, int width, int x0, int y0, int w, int h, int color,
               int alpha) {
  for (int y = y0; y < y0 + h; ++y) {
    uint8_t* p = rgb + (static_cast<size_t>(y) * width + x0) * 3;
    for (int i = 0; i < w * 3; ++i) {
      p[i] = static_cast<uint8_t>((p[i] * (256 - alpha) + color * alpha) >> 8);
    }
  }
}

}  // namespace

float StarAt(int x, int y, int cell, float density, uint64_t seed) {
  const int cx = x / cell, cy = y / cell;
  const uint64_t h = CellHash(cx, cy, seed);
  if (static_cast<float>(h & 1023) >= density * 72.0f) return 0;
  // Keep the star off the cell border so it is never cut in half.
  const int span = std::max(1, cell - 2);
  const int sx = cx * cell + 1 + static_cast<int>((h >> 10) % span);
  const int sy = cy * cell + 1 + static_cast<int>((h >> 20) % span);
  const float bright =
      0.3f + 0.7f * static_cast<float>((h >> 30) & 255) / 255.0f;
  const float dx = static_cast<float>(x - sx), dy = static_cast<float>(y - sy);
  const float reach = bright > 0.85f ? 2.2f : 1.0f;  // the brightest ones glow
  return bright * Clamp01(1.0f - (dx * dx + dy * dy) / reach);
}

float FlakeAt(int x, int y, int cell, float max_radius, uint64_t seed) {
  const int cx = x / cell, cy = y / cell;
  const uint64_t h = CellHash(cx, cy, seed);
  if ((h & 7) < 3) return 0;
  const float radius =
      max_radius *
      (0.35f + 0.65f * static_cast<float>((h >> 8) & 255) / 255.0f);
  const int margin = static_cast<int>(radius) + 1;
  const int span = std::max(1, cell - 2 * margin);
  const float fx = static_cast<float>(cx * cell + margin +
                                      static_cast<int>((h >> 16) % span));
  const float fy = static_cast<float>(cy * cell + margin +
                                      static_cast<int>((h >> 32) % span));
  const float dx = static_cast<float>(x) - fx, dy = static_cast<float>(y) - fy;
  const float d2 = dx * dx + dy * dy;
  if (d2 >= (radius + 1) * (radius + 1)) return 0;
  return Clamp01(radius + 0.5f - std::sqrt(d2)) * 0.9f;
}

Rgb FireRamp(float heat) {
  struct Stop {
    float at;
    Rgb color;
  };
  static constexpr Stop kStops[] = {
      {0.15f, {0, 0, 0}},
      {0.4f, {0.7f, 0.08f, 0.02f}},
      {0.65f, {1.0f, 0.42f, 0.05f}},
      {0.85f, {1.0f, 0.78f, 0.3f}},
      {1.0f, {1.0f, 0.96f, 0.8f}},
  };
  if (heat <= kStops[0].at) return {};
  for (size_t i = 1; i < std::size(kStops); ++i) {
    if (heat <= kStops[i].at) {
      const float t =
          (heat - kStops[i - 1].at) / (kStops[i].at - kStops[i - 1].at);
      return Mix(kStops[i - 1].color, kStops[i].color, t);
    }
  }
  return kStops[std::size(kStops) - 1].color;
}

void DrawDemoCaption(uint8_t* rgb, int width, int height) {
  const int scale = std::max(1, std::min(width, height) / 400);
  std::string_view text = "DEMO - NOT AI";
  const int pad = 2 * scale, margin = 3 * scale;
  auto box_width = [&](std::string_view t) {
    return static_cast<int>(t.size()) * 6 * scale - scale + 2 * pad;
  };
  if (box_width(text) + 2 * margin > width) text = "DEMO";
  const int box_w = box_width(text), box_h = 7 * scale + 2 * pad;
  if (box_w + 2 * margin > width || box_h + 2 * margin > height) return;
  const int x0 = width - margin - box_w, y0 = height - margin - box_h;
  BlendRect(rgb, width, x0, y0, box_w, box_h, 0,
            96);  // darken: readable anywhere
  for (size_t i = 0; i < text.size(); ++i) {
    for (int row = 0; row < 7; ++row) {
      for (int col = 0; col < 5; ++col) {
        if (!GlyphBit(text[i], col, row)) continue;
        const int px = x0 + pad + (static_cast<int>(i) * 6 + col) * scale;
        BlendRect(rgb, width, px, y0 + pad + row * scale, scale, scale, 255,
                  200);
      }
    }
  }
}

}  // namespace aigen::gen
