#include <stb_perlin.h>

#include <algorithm>
#include <cmath>

#include "gen/demo_render.h"

namespace aigen::gen {
namespace {

float Clamp01(float v) { return v < 0 ? 0 : (v > 1 ? 1 : v); }

// 16 bits of `h` from bit `shift`, as 0..1.
float Unit01(uint64_t h, int shift) {
  return static_cast<float>((h >> shift) & 0xffff) * (1.0f / 65535.0f);
}

// Where a layer sits and how its skyline undulates.
struct Band {
  float base = 0;  // row of its foot
  float amp = 0;   // pixels its skyline rises above the foot at most
  float freq = 0;  // skyline features per `unit` pixels
  float z = 0;     // noise slice, distinct per layer
};

Band MakeBand(const DemoScene& s, const DemoFrame& f, int i, int n) {
  const float near =
      n == 1 ? 1.0f : static_cast<float>(i) / static_cast<float>(n - 1);
  const float far = 1.0f - near;
  Band band;
  band.base = s.water ? f.horizon
                      : f.horizon + (static_cast<float>(f.height) - f.horizon) *
                                        0.7f * static_cast<float>(i) /
                                        static_cast<float>(n);
  float amp = 0;
  switch (s.land) {
    case DemoLand::kMountains:
      amp = 0.34f - 0.2f * near;
      band.freq = 1.2f + far;
      break;
    case DemoLand::kDunes:
      amp = 0.07f;
      band.freq = 1.4f + 0.8f * far;
      break;
    case DemoLand::kForest:
      amp = 0.05f;
      band.freq = 1.5f + far;
      break;
    case DemoLand::kCity:
      amp = 0.0f;
      break;
    default:
      amp = 0.1f + 0.04f * far;
      band.freq = 1.6f + 0.8f * far;
      break;
  }
  if (s.water) amp *= 0.6f;
  band.amp = amp * f.unit * s.land_height;
  band.z = 11.3f * static_cast<float>(i) + s.noise_y;
  return band;
}

// Skyline height 0..1 at horizontal position u (in units).
float Profile(const DemoScene& s, const Band& b, float u) {
  const float x = u * b.freq + s.noise_x;
  switch (s.land) {
    case DemoLand::kMountains:
      return Clamp01(
          stb_perlin_ridge_noise3(x, b.z, s.noise_z, 2.0f, 0.5f, 1.0f, 5) *
              1.1f -
          0.1f);
    case DemoLand::kDunes: {
      const float n =
          stb_perlin_noise3(x, b.z, s.noise_z, 0, 0, 0) +
          0.35f * stb_perlin_noise3(x * 2.3f, b.z + 1.7f, s.noise_z, 0, 0, 0);
      const float crest = 1.0f - std::fabs(n);
      return 0.15f + 0.85f * crest * crest;
    }
    default:
      return Clamp01(0.5f + 0.6f * stb_perlin_fbm_noise3(x, b.z, s.noise_z,
                                                         2.0f, 0.5f, 3));
  }
}

// Conifers standing on the layer's ground, smaller when far.
void AddTrees(const DemoScene& s, const DemoFrame& f, int i, float near,
              DemoLayer& layer) {
  const float spacing = f.unit * (0.012f + 0.02f * near);
  const std::vector<float> ground = layer.top;
  const int count = static_cast<int>(static_cast<float>(f.width) / spacing) + 2;
  for (int k = -1; k < count; ++k) {
    const uint64_t h =
        Mix64(s.detail_seed ^ Mix64((static_cast<uint64_t>(i) << 32) |
                                    static_cast<uint64_t>(k + 1)));
    if (((h >> 48) & 7) == 0) continue;  // a clearing
    const float cx =
        (static_cast<float>(k) + 0.5f + (Unit01(h, 0) - 0.5f) * 0.6f) * spacing;
    const float height = spacing * (2.2f + 2.2f * Unit01(h, 16));
    const float half_width = spacing * (0.55f + 0.35f * Unit01(h, 32));
    const int x0 = std::max(0, static_cast<int>(cx - half_width));
    const int x1 = std::min(f.width - 1, static_cast<int>(cx + half_width) + 1);
    const float foot = ground[std::clamp(static_cast<int>(cx), 0, f.width - 1)];
    for (int x = x0; x <= x1; ++x) {
      const float t =
          1.0f - std::fabs(static_cast<float>(x) + 0.5f - cx) / half_width;
      if (t > 0) layer.top[x] = std::min(layer.top[x], foot - height * t);
    }
  }
}

// A skyline of blocks; `left` remembers each column's building for windows.
void AddBuildings(const DemoScene& s, const DemoFrame& f, int i, float near,
                  float base, DemoLayer& layer) {
  layer.left.assign(f.width, 0);
  uint64_t k = 0;
  for (int x = 0; x < f.width;) {
    const uint64_t h =
        Mix64(s.detail_seed ^ Mix64((static_cast<uint64_t>(i) << 32) | k++));
    const int width =
        std::max(2, static_cast<int>(f.unit * (0.03f + 0.05f * Unit01(h, 0)) *
                                     (0.6f + 0.4f * near)));
    float height = f.unit * (0.06f + 0.26f * Unit01(h, 16)) *
                   (1.15f - 0.4f * near) * s.land_height;
    if (((h >> 48) & 3) == 0) height *= 0.5f;
    for (int xx = x; xx < std::min(f.width, x + width); ++xx) {
      layer.top[xx] = base - height;
      layer.left[xx] = x;
    }
    x += width;
  }
}

}  // namespace

DemoFrame MakeDemoFrame(const DemoScene& scene, int width, int height) {
  DemoFrame frame;
  frame.width = width;
  frame.height = height;
  frame.unit = static_cast<float>(std::min(width, height));
  frame.horizon = scene.land == DemoLand::kNone
                      ? static_cast<float>(height)
                      : scene.horizon * static_cast<float>(height);
  return frame;
}

std::vector<DemoLayer> BuildDemoLand(const DemoScene& s, const DemoFrame& f) {
  const int n = s.land == DemoLand::kNone ? 0 : s.land_layers;
  const Rgb haze_color = Mix(s.sky_top, s.sky_horizon, 0.95f);
  std::vector<DemoLayer> layers(n);
  for (int i = 0; i < n; ++i) {
    const float near =
        n == 1 ? 1.0f : static_cast<float>(i) / static_cast<float>(n - 1);
    const Band band = MakeBand(s, f, i, n);
    DemoLayer& layer = layers[i];
    layer.top.resize(f.width);
    for (int x = 0; x < f.width; ++x) {
      const float u = (static_cast<float>(x) + 0.5f) / f.unit;
      layer.top[x] = band.base - band.amp * Profile(s, band, u);
    }
    if (s.land == DemoLand::kForest) AddTrees(s, f, i, near, layer);
    if (s.land == DemoLand::kCity)
      AddBuildings(s, f, i, near, band.base, layer);
    const float haze =
        (n == 1 ? 0.25f : 0.72f * (1.0f - near)) + (s.water ? 0.15f : 0.0f);
    layer.color = Mix(s.land_color * s.light, haze_color, haze);
    layer.snow = Mix(Rgb{0.95f, 0.96f, 1.0f} * s.light, haze_color, haze);
    // Only the far range: caps on nearer, lower ridges look like stray patches.
    if (s.snowcaps && s.land == DemoLand::kMountains && i == 0 && n > 1) {
      layer.snowline = band.base - band.amp * 0.62f;
    }
  }
  return layers;
}

}  // namespace aigen::gen
