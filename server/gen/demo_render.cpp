#include "gen/demo_render.h"

#include <stb_perlin.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace aigen::gen {
namespace {

float Clamp01(float v) { return v < 0 ? 0 : (v > 1 ? 1 : v); }

float SmoothStep(float edge0, float edge1, float x) {
  const float t = Clamp01((x - edge0) / (edge1 - edge0));
  return t * t * (3.0f - 2.0f * t);
}

float Noise(float x, float y, float z) {
  return stb_perlin_noise3(x, y, z, 0, 0, 0);
}

float Fbm(float x, float y, float z, int octaves) {
  return stb_perlin_fbm_noise3(x, y, z, 2.0f, 0.5f, octaves);
}

uint8_t ToByte(float v) {
  const float scaled = v * 255.0f + 0.5f;
  return static_cast<uint8_t>(scaled <= 0 ? 0 : (scaled >= 255 ? 255 : scaled));
}

// Noise sampled every `step` pixels and interpolated bilinearly: the smooth
// fields need no more, and per-pixel perlin noise would cost most of the time
// budget (see HTTPLIB.md).
class Field {
 public:
  Field() = default;
  template <typename Sample>
  Field(const DemoFrame& f, Sample sample)
      : step_(std::clamp(static_cast<int>(f.unit) / 256, 1, 4)),
        cols_(f.width / step_ + 2),
        values_(static_cast<size_t>(cols_) * (f.height / step_ + 2)) {
    for (size_t j = 0; j < values_.size() / cols_; ++j) {
      for (int i = 0; i < cols_; ++i) {
        values_[j * cols_ + i] = sample(static_cast<float>(i * step_) / f.unit,
                                        static_cast<float>(j * step_) / f.unit);
      }
    }
  }

  float At(int x, int y) const {
    const int i = x / step_, j = y / step_;
    const float fx =
        static_cast<float>(x - i * step_) / static_cast<float>(step_);
    const float fy =
        static_cast<float>(y - j * step_) / static_cast<float>(step_);
    const float* r0 = &values_[static_cast<size_t>(j) * cols_ + i];
    const float* r1 = r0 + cols_;
    const float a = r0[0] + (r0[1] - r0[0]) * fx;
    const float b = r1[0] + (r1[1] - r1[0]) * fx;
    return a + (b - a) * fy;
  }

 private:
  int step_ = 1;
  int cols_ = 0;
  std::vector<float> values_;
};

// Paints one scene, row by row. Everything a row needs is precomputed here.
class Painter {
 public:
  Painter(const DemoScene& scene, int width, int height);
  void PaintRow(int y, uint8_t* out) const;

 private:
  void PrepareFire();
  void PrepareAurora();
  Rgb SkyBase(float y) const;
  Rgb Sky(int x, int y) const;
  Rgb Body(int x, int y, Rgb c) const;
  Rgb Clouds(int x, int y, Rgb c) const;
  Rgb Aurora(int x, int y, Rgb c) const;
  int LayerAt(int x, float y) const;
  Rgb Land(int layer, int x, int y) const;
  Rgb Water(int x, int y) const;
  Rgb Abstract(int x, int y) const;
  Rgb Overlays(int x, int y, Rgb c) const;

  const DemoScene& s_;
  DemoFrame f_;
  float bx_, by_, br_;  // sun, moon or planet: centre and radius in pixels
  int star_cell_, flake_cell_;
  Field clouds_, texture_, swirl_, fire_;
  std::vector<DemoLayer> layers_;
  std::vector<float> aurora_center_, aurora_rays_, flame_height_;
};

Painter::Painter(const DemoScene& s, int width, int height)
    : s_(s), f_(MakeDemoFrame(s, width, height)) {
  bx_ = s.body_x * static_cast<float>(width);
  by_ = s.body_y * static_cast<float>(height);
  br_ = s.body_radius * f_.unit;
  star_cell_ = std::max(4, static_cast<int>(f_.unit / 150));
  flake_cell_ = std::max(8, static_cast<int>(f_.unit / 26));
  const float nx = s.noise_x, ny = s.noise_y, nz = s.noise_z;
  const bool space = s.sky == DemoSky::kSpace;
  clouds_ = Field(f_, [&](float u, float v) {
    return space ? Fbm(u * 2.5f + nx, v * 2.5f + ny, nz, 5)
                 : Fbm(u * 2.2f + nx, v * 5.5f + ny, nz, 5);
  });
  texture_ = Field(f_, [&](float u, float v) {
    return Fbm(u * 16 + ny, v * 48 + nx, nz + 40, 2);
  });
  if (s.abstract) {
    swirl_ = Field(f_, [&](float u, float v) {
      const float q = Fbm(u * 2 + nx, v * 2 + ny, nz, 4);
      const float r = Fbm(u * 2 + nx + 5.2f, v * 2 + ny + 1.3f, nz, 4);
      return Fbm(u * 2 + 3.5f * q + nx, v * 2 + 3.5f * r + ny, nz + 7, 4);
    });
  } else if (s.nebula) {
    swirl_ = Field(f_, [&](float u, float v) {
      return Fbm(u * 3 + ny, v * 3 + nx, nz + 19, 5);
    });
  }
  if (s.fire) PrepareFire();
  if (s.aurora) PrepareAurora();
  layers_ = BuildDemoLand(s, f_);
}

void Painter::PrepareFire() {
  const float nx = s_.noise_x, ny = s_.noise_y, nz = s_.noise_z;
  fire_ = Field(f_, [&](float u, float v) {
    return stb_perlin_turbulence_noise3(u * 4 + nx, v * 2 + ny, nz + 3, 2.0f,
                                        0.5f, 4);
  });
  flame_height_.resize(f_.width);
  for (int x = 0; x < f_.width; ++x) {
    const float u = static_cast<float>(x) / f_.unit;
    flame_height_[x] =
        f_.unit * (0.3f + 0.08f * Noise(u * 3 + nx, 3.3f, nz) +
                   0.1f * std::max(0.0f, Noise(u * 11 + ny, 5.1f, nz)));
  }
}

void Painter::PrepareAurora() {
  const float nx = s_.noise_x, ny = s_.noise_y, nz = s_.noise_z;
  aurora_center_.resize(f_.width);
  aurora_rays_.resize(f_.width);
  for (int x = 0; x < f_.width; ++x) {
    const float u = static_cast<float>(x) / f_.unit;
    aurora_center_[x] =
        f_.horizon * (0.38f + 0.16f * Fbm(u * 1.3f + nx, 9.1f, nz, 2));
    aurora_rays_[x] = Clamp01(0.55f + 0.9f * Fbm(u * 14 + ny, 2.7f, nz, 2)) *
                      Clamp01(0.6f + Noise(u * 1.7f + ny, 4.4f, nz));
  }
}

Rgb Painter::SkyBase(float y) const {
  const float t = Clamp01(y / f_.horizon);
  return Mix(s_.sky_top, s_.sky_horizon, t * (0.35f + 0.65f * t));
}

Rgb Painter::Sky(int x, int y) const {
  Rgb c = SkyBase(static_cast<float>(y));
  const float t = Clamp01(static_cast<float>(y) / f_.horizon);
  if (s_.stars > 0) {
    const float star = StarAt(x, y, star_cell_, s_.stars, s_.detail_seed);
    if (star > 0) c = c + Rgb{0.95f, 0.95f, 1.0f} * (star * (1.0f - t * t));
  }
  if (s_.nebula) {
    const Rgb second = Mix(s_.accent, Rgb{0.15f, 0.45f, 0.95f}, 0.7f);
    c = c + s_.accent * (SmoothStep(-0.05f, 0.6f, clouds_.At(x, y)) * 0.55f) +
        second * (SmoothStep(0.0f, 0.7f, swirl_.At(x, y)) * 0.4f);
  }
  if (s_.aurora) c = Aurora(x, y, c);
  c = Body(x, y, c);
  return Clouds(x, y, c);
}

Rgb Painter::Aurora(int x, int y, Rgb c) const {
  // A curtain with a sharp lower edge fading upward, green turning violet.
  const float dy =
      (static_cast<float>(y) - aurora_center_[x]) / (f_.unit * 0.05f);
  const float intensity =
      dy > 0 ? Clamp01(1.0f - dy * 1.5f) : Clamp01(1.0f + dy * 0.22f);
  if (intensity <= 0) return c;
  const Rgb color =
      Mix(s_.accent, Rgb{0.55f, 0.25f, 0.85f}, Clamp01(-dy * 0.25f));
  return c + color * (intensity * intensity * aurora_rays_[x] * 0.8f);
}

Rgb Painter::Body(int x, int y, Rgb c) const {
  const bool planet = s_.sky == DemoSky::kSpace;
  if (!s_.sun && !s_.moon && !planet) return c;
  const float dx = static_cast<float>(x) + 0.5f - bx_,
              dy = static_cast<float>(y) + 0.5f - by_;
  const float d2 = dx * dx + dy * dy, r2 = br_ * br_;
  const float halo = s_.sun ? 0.45f : (s_.moon ? 0.18f : 0.12f);
  c = c + s_.glow * (halo / (1.0f + d2 / (r2 * 5.0f)));
  if (d2 > (br_ + 1.5f) * (br_ + 1.5f)) return c;
  const float alpha = Clamp01(br_ - std::sqrt(d2) + 0.5f);
  Rgb disc;
  if (planet) {
    const float nx = dx / br_, ny = dy / br_;
    const float nz = std::sqrt(std::max(0.0f, 1.0f - nx * nx - ny * ny));
    const float lambert = Clamp01(-0.55f * nx - 0.45f * ny + 0.7f * nz);
    const float bands = 0.8f + 0.25f * clouds_.At(x, y);
    disc = s_.glow * (bands * (0.03f + 0.97f * lambert));
  } else if (s_.moon) {
    disc = s_.glow * (0.84f + 0.2f * texture_.At(x, y));
    if (s_.moon_phase > 0) {
      const float sx = dx - s_.moon_phase * br_ * 1.1f,
                  sy = dy + s_.moon_phase * br_ * 0.35f;
      const float shadow =
          Clamp01(br_ * 0.98f - std::sqrt(sx * sx + sy * sy) + 0.5f);
      disc = Mix(disc, c, shadow * 0.93f);
    }
  } else {
    disc = Mix(s_.glow, Rgb{1.0f, 1.0f, 0.96f}, 0.6f);
  }
  return Mix(c, disc, alpha);
}

Rgb Painter::Clouds(int x, int y, Rgb c) const {
  if (s_.clouds <= 0.01f || s_.sky == DemoSky::kSpace) return c;
  const float n = clouds_.At(x, y);
  const float threshold = 0.45f - s_.clouds * 0.8f;
  float alpha = SmoothStep(threshold, threshold + 0.3f, n);
  if (alpha <= 0) return c;
  const float t = Clamp01(static_cast<float>(y) / f_.horizon);
  alpha *= 1.0f - 0.6f * t * t;
  const float shade = Clamp01((n - threshold) * 1.6f);
  Rgb color =
      Mix(s_.cloud, s_.cloud * 0.62f + s_.sky_horizon * 0.1f, shade * 0.8f);
  if (s_.sun) {  // rims lit near the sun
    const float dx = static_cast<float>(x) - bx_,
                dy = static_cast<float>(y) - by_;
    color =
        color +
        s_.glow * (0.35f / (1.0f + (dx * dx + dy * dy) / (br_ * br_ * 9.0f)));
  }
  return Mix(c, color, alpha * 0.92f);
}

int Painter::LayerAt(int x, float y) const {
  if (s_.water && y >= f_.horizon) return -1;
  for (int i = static_cast<int>(layers_.size()) - 1; i >= 0; --i) {
    if (y >= layers_[i].top[x]) return i;
  }
  return -1;
}

Rgb Painter::Land(int index, int x, int y) const {
  const DemoLayer& layer = layers_[index];
  const float fy = static_cast<float>(y);
  const float depth = (fy - layer.top[x]) / f_.unit;
  const float tex = texture_.At(x, y);
  Rgb c = layer.color *
          ((1.0f - 0.3f * Clamp01(depth * 2.5f)) * (0.96f + 0.08f * tex));
  // Snow hangs down from peaks that rise above the snowline, never in islands.
  const float above_line = layer.snowline - layer.top[x];
  if (layer.snowline >= 0 && above_line > 0 &&
      fy - layer.top[x] < above_line * (0.8f + 0.5f * tex)) {
    c = layer.snow * (0.9f + 0.1f * tex);
  }
  const bool windows = s_.land == DemoLand::kCity &&
                       index + 1 == static_cast<int>(layers_.size());
  if (!windows) return c;
  const int pitch = std::max(4, static_cast<int>(f_.unit * 0.018f));
  const int lx = x - layer.left[x], ly = static_cast<int>(depth * f_.unit);
  if (lx < pitch / 2 || lx % pitch < pitch / 2 || ly % pitch < pitch / 2)
    return c;
  const uint64_t h = Mix64(s_.detail_seed ^
                           Mix64((static_cast<uint64_t>(layer.left[x]) << 40) ^
                                 (static_cast<uint64_t>(lx / pitch) << 20) ^
                                 static_cast<uint64_t>(ly / pitch)));
  if (s_.sky == DemoSky::kDay) return Mix(c, s_.sky_horizon, 0.3f);
  if ((h & 7) >= 2) return c * 0.85f;
  return Rgb{1.0f, 0.8f, 0.45f} *
         (0.7f + 0.3f * static_cast<float>((h >> 8) & 255) / 255.0f);
}

Rgb Painter::Water(int x, int y) const {
  const float fy = static_cast<float>(y);
  const float d = (fy - f_.horizon) /
                  std::max(1.0f, static_cast<float>(f_.height) - f_.horizon);
  const float persp = d + 0.03f;
  const float wx =
      (static_cast<float>(x) - 0.5f * static_cast<float>(f_.width)) / f_.unit /
      persp;
  const float wz = 1.0f / persp;
  const float n =
      0.65f * Noise(wx * 2.5f + s_.noise_x, wz * 3.0f, s_.noise_z) +
      0.35f * Noise(wx * 6.0f + s_.noise_y, wz * 7.0f, s_.noise_z + 17);
  const float calm =
      Clamp01(d * 8.0f);  // waves shrink into a shimmer at the horizon
  const float mirrored =
      f_.horizon - (fy - f_.horizon) + n * calm * f_.unit * 0.02f;
  Rgb reflection = SkyBase(mirrored);
  const int layer = LayerAt(x, mirrored);
  if (layer >= 0) reflection = layers_[layer].color * 0.8f;
  Rgb c = Mix(reflection * 0.85f, s_.water_color * s_.light, 0.3f + 0.5f * d);
  c = c * (1.0f + 0.2f * n * calm);
  if ((s_.sun || s_.moon) && by_ < f_.horizon + br_) {  // the glitter path
    const float spread = f_.unit * (0.03f + 0.3f * d) + br_ * 0.5f;
    const float g =
        Clamp01(1.0f - std::fabs(static_cast<float>(x) - bx_) / spread);
    const float sparkle = Clamp01(n * 2.2f + 0.2f);
    c = c + s_.glow * (g * g * sparkle * sparkle * (s_.moon ? 0.6f : 0.9f));
  }
  return c;
}

Rgb Painter::Abstract(int x, int y) const {
  const float t = Clamp01(swirl_.At(x, y) * 0.8f + 0.5f);
  const float f = t * 5.0f - std::floor(t * 5.0f);
  const float stripe =
      SmoothStep(0.1f, 0.9f, 1.0f - std::fabs(2.0f * f - 1.0f));
  Rgb c = Mix(s_.sky_top, s_.accent, SmoothStep(0.15f, 0.55f, t));
  c = Mix(c, s_.glow, SmoothStep(0.6f, 0.95f, t));
  c = Mix(c, s_.sky_horizon, Clamp01(clouds_.At(x, y) * 0.8f + 0.2f) * 0.5f);
  return c * (0.78f + 0.32f * stripe);
}

Rgb Painter::Overlays(int x, int y, Rgb c) const {
  if (s_.fire) {
    const float above = static_cast<float>(f_.height - y);
    const float rise =
        above / flame_height_[x];  // 0 at the bottom, 1 at the flame tips
    const float heat = Clamp01(1.0f - rise + (fire_.At(x, y) - 0.3f) * 0.9f);
    c = c + FireRamp(heat) +
        Rgb{0.3f, 0.07f, 0.01f} * Clamp01(1.0f - above / (f_.unit * 0.9f));
    const float ember =
        StarAt(x, y, star_cell_ * 3, 0.6f, s_.detail_seed ^ 0xf17e);
    if (ember > 0)
      c = c + Rgb{1.0f, 0.55f, 0.15f} *
                  (ember * Clamp01(rise - 0.8f) * Clamp01(3.0f - rise));
  }
  if (s_.snowfall) {
    const float flake = FlakeAt(x, y, flake_cell_, f_.unit / 300.0f + 1.0f,
                                s_.detail_seed ^ 0x5a0);
    const float light = 0.55f + 0.45f * Clamp01(s_.light.g * 1.5f);
    if (flake > 0) c = Mix(c, Rgb{0.95f, 0.96f, 1.0f} * light, flake);
  }
  return c;
}

void Painter::PaintRow(int y, uint8_t* out) const {
  const float half_w = 0.5f * static_cast<float>(f_.width),
              half_h = 0.5f * static_cast<float>(f_.height);
  const float vy = (static_cast<float>(y) + 0.5f - half_h) / half_h;
  for (int x = 0; x < f_.width; ++x) {
    Rgb c;
    const int layer = s_.abstract ? -1 : LayerAt(x, static_cast<float>(y));
    if (s_.abstract) {
      c = Abstract(x, y);
    } else if (layer >= 0) {
      c = Land(layer, x, y);
    } else if (s_.water && static_cast<float>(y) >= f_.horizon) {
      c = Water(x, y);
    } else {
      c = Sky(x, y);
    }
    c = Overlays(x, y, c);
    const float vx = (static_cast<float>(x) + 0.5f - half_w) / half_w;
    const float vignette = 1.0f - 0.16f * (vx * vx + vy * vy);
    out[3 * x] = ToByte(c.r * vignette);
    out[3 * x + 1] = ToByte(c.g * vignette);
    out[3 * x + 2] = ToByte(c.b * vignette);
  }
}

}  // namespace

bool RenderDemoScene(const DemoScene& scene, int width, int height,
                     uint8_t* rgb, const DemoRowCallback& on_row) {
  const Painter painter(scene, width, height);
  for (int y = 0; y < height; ++y) {
    painter.PaintRow(y, rgb + static_cast<size_t>(y) * width * 3);
    if (!on_row(y + 1)) return false;
  }
  return true;
}

}  // namespace aigen::gen
