#include "gen/demo_palette.h"

#include <algorithm>
#include <iterator>

namespace aigen::gen {
namespace {

// A small deterministic generator over the scene's hash.
class Rng {
 public:
  explicit Rng(uint64_t state) : state_(state) {}
  uint64_t Next() { return Mix64(state_++); }
  float Uniform(float lo, float hi) {
    return lo +
           (hi - lo) * static_cast<float>(Next() >> 40) * (1.0f / 16777216.0f);
  }
  bool Chance(float p) { return Uniform(0, 1) < p; }

 private:
  uint64_t state_;
};

float Luma(Rgb c) { return 0.3f * c.r + 0.59f * c.g + 0.11f * c.b; }

// Moves `base` toward the hue of `tint` by `amount`, keeping its brightness so
// a red night stays dark.
Rgb Tint(Rgb base, Rgb tint, float amount) {
  const float scale = Luma(base) / std::max(Luma(tint), 0.05f);
  return Mix(base, tint * std::min(scale, 1.6f), amount);
}

// Fills in what the words left open, from the prompt hash alone so that
// every seed of one prompt shares its theme.
void Default(uint64_t prompt_hash, DemoWishes& w) {
  Rng rng(prompt_hash);
  if (!w.sky) {
    const float pick = rng.Uniform(0, 1);
    if (w.aurora || (w.fire && pick < 0.6f)) {
      w.sky = DemoSky::kNight;
    } else {
      constexpr DemoSky kSkyOrder[] = {DemoSky::kDay, DemoSky::kSunset,
                                       DemoSky::kDawn, DemoSky::kNight,
                                       DemoSky::kStorm};
      constexpr float kUpTo[] = {0.33f, 0.58f, 0.73f, 0.95f, 1.0f};
      size_t i = 0;
      while (i + 1 < std::size(kUpTo) && pick >= kUpTo[i]) ++i;
      w.sky = kSkyOrder[i];
    }
  }
  if (!w.land) {
    constexpr DemoLand kLands[] = {DemoLand::kHills,     DemoLand::kHills,
                                   DemoLand::kMountains, DemoLand::kForest,
                                   DemoLand::kDunes,     DemoLand::kMountains};
    w.land = kLands[rng.Next() % std::size(kLands)];
    if (w.snow && w.land == DemoLand::kDunes) w.land = DemoLand::kHills;
    if (!w.water && rng.Chance(0.3f)) w.water = true;
  }
  if (w.sky == DemoSky::kSpace) w.land = DemoLand::kNone;
}

// The look of each sky, indexed by DemoSky.
struct SkyPreset {
  Rgb top, horizon, glow, cloud, light;
  float clouds, stars;
  bool sun, moon;
};

// clang-format off
constexpr SkyPreset kSkies[] = {
    // kDay
    {{0.2f, 0.42f, 0.82f}, {0.72f, 0.85f, 0.96f}, {1.0f, 0.97f, 0.86f},
     {1.0f, 1.0f, 1.0f}, {1.0f, 1.0f, 1.0f}, 0.35f, 0.0f, true, false},
    // kDawn
    {{0.34f, 0.42f, 0.72f}, {1.0f, 0.74f, 0.62f}, {1.0f, 0.9f, 0.72f},
     {1.0f, 0.78f, 0.78f}, {0.8f, 0.72f, 0.78f}, 0.35f, 0.0f, true, false},
    // kSunset
    {{0.17f, 0.11f, 0.36f}, {1.0f, 0.5f, 0.2f}, {1.0f, 0.84f, 0.45f},
     {0.95f, 0.45f, 0.42f}, {0.42f, 0.24f, 0.32f}, 0.4f, 0.0f, true, false},
    // kNight
    {{0.01f, 0.015f, 0.06f}, {0.07f, 0.11f, 0.24f}, {0.93f, 0.94f, 1.0f},
     {0.16f, 0.18f, 0.27f}, {0.1f, 0.12f, 0.2f}, 0.2f, 0.8f, false, true},
    // kStorm
    {{0.22f, 0.24f, 0.29f}, {0.52f, 0.55f, 0.6f}, {0.9f, 0.9f, 0.88f},
     {0.4f, 0.42f, 0.47f}, {0.5f, 0.52f, 0.56f}, 0.85f, 0.0f, false, false},
    // kSpace: the "sun" slot is a planet, drawn by the painter.
    {{0.0f, 0.0f, 0.02f}, {0.03f, 0.01f, 0.07f}, {0.9f, 0.6f, 0.4f},
     {0.0f, 0.0f, 0.0f}, {1.0f, 1.0f, 1.0f}, 0.0f, 1.0f, false, false},
};
// clang-format on

void SetSky(DemoSky sky, DemoScene& s) {
  const SkyPreset& p = kSkies[static_cast<int>(sky)];
  s.sky = sky;
  s.sky_top = p.top;
  s.sky_horizon = p.horizon;
  s.glow = p.glow;
  s.cloud = p.cloud;
  s.light = p.light;
  s.clouds = p.clouds;
  s.stars = p.stars;
  s.sun = p.sun;
  s.moon = p.moon;
  s.nebula = sky == DemoSky::kSpace;
  s.accent =
      sky == DemoSky::kSpace ? Rgb{0.55f, 0.2f, 0.8f} : Rgb{0.3f, 0.8f, 0.9f};
}

Rgb LandMaterial(DemoLand land) {
  switch (land) {
    case DemoLand::kHills:
      return {0.3f, 0.52f, 0.22f};
    case DemoLand::kMountains:
      return {0.4f, 0.43f, 0.5f};
    case DemoLand::kDunes:
      return {0.88f, 0.64f, 0.36f};
    case DemoLand::kForest:
      return {0.1f, 0.32f, 0.14f};
    case DemoLand::kCity:
      return {0.28f, 0.3f, 0.36f};
    case DemoLand::kNone:
      break;
  }
  return {0, 0, 0};
}

void ApplyEffects(const DemoWishes& w, DemoScene& s) {
  if (w.land == DemoLand::kDunes) {
    s.sky_horizon =
        Mix(s.sky_horizon, Rgb{1.0f, 0.84f, 0.6f} * Luma(s.sky_horizon), 0.5f);
    s.clouds *= 0.3f;
  }
  if (w.snow) {
    s.land_color = {0.93f, 0.95f, 1.0f};
    s.water_color = {0.5f, 0.65f, 0.8f};
    s.sky_horizon = Mix(s.sky_horizon, Rgb{0.92f, 0.94f, 1.0f}, 0.35f);
    s.snowfall = true;
  }
  s.snowcaps =
      w.snow || (w.land == DemoLand::kMountains && s.sky != DemoSky::kSunset);
  if (w.fire) {
    s.fire = true;
    s.sky_top = Mix(s.sky_top, Rgb{0.1f, 0.02f, 0.03f}, 0.6f);
    s.sky_horizon = Mix(s.sky_horizon, Rgb{0.55f, 0.12f, 0.04f}, 0.6f);
    s.light = s.light * Rgb{0.6f, 0.4f, 0.35f};
    s.clouds = std::min(s.clouds, 0.3f);
  }
  if (w.aurora) {
    s.aurora = true;
    s.accent = {0.25f, 1.0f, 0.55f};
  }
  s.abstract = w.abstract;
  if (w.clear) s.clouds = 0.05f;
  if (w.cloudy) s.clouds = std::max(s.clouds, 0.7f);
  for (size_t i = 0; i < w.tints.size(); ++i) {
    const Rgb t = w.tints[i];
    const float k = i == 0 ? 1.0f : 0.5f;
    s.sky_top = Tint(s.sky_top, t, 0.25f * k);
    s.sky_horizon = Tint(s.sky_horizon, t, 0.35f * k);
    s.glow = Tint(s.glow, t, 0.3f * k);
    s.cloud = Tint(s.cloud, t, 0.3f * k);
    s.land_color = Tint(s.land_color, t, 0.35f * k);
    s.water_color = Tint(s.water_color, t, 0.3f * k);
    s.accent = i == 0 ? t : Mix(s.accent, t, 0.4f);
  }
}

// Positions and shapes: these vary with the seed.
void Layout(uint64_t layout_hash, DemoScene& s) {
  Rng rng(layout_hash);
  s.horizon = s.water ? rng.Uniform(0.55f, 0.68f) : rng.Uniform(0.5f, 0.66f);
  s.land_layers = s.water ? static_cast<int>(rng.Next() % 3)
                          : 2 + static_cast<int>(rng.Next() % 3);
  if (s.land == DemoLand::kNone) s.land_layers = 0;
  s.land_height = rng.Uniform(0.7f, 1.3f);
  s.body_x = rng.Uniform(0.15f, 0.85f);
  const bool low = s.sky == DemoSky::kSunset || s.sky == DemoSky::kDawn;
  // Over water a low sun may touch the horizon; behind hills it must clear
  // them.
  const float lift =
      s.water ? rng.Uniform(0.03f, 0.18f) : rng.Uniform(0.12f, 0.26f);
  s.body_y = low ? s.horizon - lift : rng.Uniform(0.1f, 0.3f);
  s.body_radius = low ? rng.Uniform(0.07f, 0.12f) : rng.Uniform(0.04f, 0.07f);
  if (s.sky == DemoSky::kSpace) {
    s.body_y = rng.Uniform(0.25f, 0.75f);
    s.body_radius = rng.Uniform(0.1f, 0.24f);
  }
  s.moon_phase = rng.Chance(0.5f) ? 0.0f : rng.Uniform(0.3f, 0.7f);
  s.clouds = std::clamp(s.clouds + rng.Uniform(-0.1f, 0.1f), 0.0f, 1.0f);
  s.noise_x = rng.Uniform(0, 255);
  s.noise_y = rng.Uniform(0, 255);
  s.noise_z = rng.Uniform(0, 255);
  s.detail_seed = rng.Next();
}

}  // namespace

uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : bytes) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

int64_t DemoSeedForPrompt(std::string_view prompt) {
  return static_cast<int64_t>(Mix64(Fnv1a64(prompt)) >> 33);
}

DemoScene MakeDemoScene(std::string_view prompt, int64_t seed) {
  const uint64_t prompt_hash = Fnv1a64(prompt);
  DemoWishes wishes = ReadDemoWishes(prompt);
  Default(prompt_hash, wishes);
  DemoScene scene;
  SetSky(*wishes.sky, scene);
  scene.land = *wishes.land;
  scene.water = wishes.water && scene.land != DemoLand::kNone;
  scene.land_color = LandMaterial(scene.land);
  scene.water_color = {0.07f, 0.3f, 0.48f};
  ApplyEffects(wishes, scene);
  Layout(Mix64(prompt_hash ^ Mix64(static_cast<uint64_t>(seed))), scene);
  return scene;
}

}  // namespace aigen::gen
