#pragma once

// Internal to the demo backend: turns a prompt and a seed into a scene
// description that demo_render.cpp paints. Everything here is a pure function
// of its arguments, so the same prompt and seed always give the same picture.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace aigen::gen {

// A linear-ish sRGB colour, each channel nominally 0..1.
struct Rgb {
  float r = 0, g = 0, b = 0;
};

inline Rgb operator+(Rgb a, Rgb b) { return {a.r + b.r, a.g + b.g, a.b + b.b}; }
inline Rgb operator*(Rgb a, float k) { return {a.r * k, a.g * k, a.b * k}; }
inline Rgb operator*(Rgb a, Rgb b) { return {a.r * b.r, a.g * b.g, a.b * b.b}; }
inline Rgb Mix(Rgb a, Rgb b, float t) {
  return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t};
}

// 64-bit FNV-1a: stable across platforms and builds, unlike std::hash.
uint64_t Fnv1a64(std::string_view bytes);

// SplitMix64 finaliser: a well-mixed 64-bit value from any 64-bit input.
inline uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The seed used when the caller asks for "any" (-1): a non-negative 31-bit
// number derived from the prompt, so it is deterministic and fits any UI.
int64_t DemoSeedForPrompt(std::string_view prompt);

enum class DemoSky { kDay, kDawn, kSunset, kNight, kStorm, kSpace };
enum class DemoLand { kHills, kMountains, kDunes, kForest, kCity, kNone };

// What to paint. Positions are fractions of the image (0..1, top-left origin);
// sizes are fractions of the shorter side.
struct DemoScene {
  DemoSky sky = DemoSky::kDay;
  DemoLand land = DemoLand::kHills;
  Rgb sky_top, sky_horizon;
  Rgb glow;  // sun or moon light, also its halo
  Rgb cloud;
  Rgb light;       // multiplies material colours (dim at night)
  Rgb land_color;  // material in full daylight
  Rgb water_color;
  Rgb accent;  // aurora, nebula, abstract swirls
  int land_layers = 3;
  float horizon = 0.62f;
  float land_height = 1.0f;  // scales hill amplitude
  bool water = false;
  bool sun = true;    // a sun disc (day themes) ...
  bool moon = false;  // ... or a moon (night); space draws a planet instead
  float body_x = 0.7f, body_y = 0.3f, body_radius = 0.06f;
  float moon_phase = 0.0f;  // 0 full; else crescent offset
  float clouds = 0.3f;      // cover, 0..1
  float stars = 0.0f;       // density, 0..1
  bool aurora = false;
  bool fire = false;
  bool snowfall = false;
  bool nebula = false;
  bool abstract = false;
  bool snowcaps = false;
  float noise_x = 0, noise_y = 0, noise_z = 0;  // perlin offsets, < 256
  uint64_t detail_seed = 0;                     // stars, trees, windows
};

// What a prompt's words ask for (demo_words.cpp): the first sky word and the
// first land word, effects, and up to two colour tints. What stays unset is
// left to the prompt hash.
struct DemoWishes {
  std::optional<DemoSky> sky;
  std::optional<DemoLand> land;
  bool water = false, snow = false, fire = false, aurora = false;
  bool abstract = false, clear = false, cloudy = false;
  std::vector<Rgb> tints;
};

// Reads the words of `prompt`: case-insensitive, plurals allowed ("trees",
// "beaches", "cities"), anything else ignored.
DemoWishes ReadDemoWishes(std::string_view prompt);

// Reads colour and motif words from `prompt` (case-insensitive, plurals
// allowed: "sunset", "ocean", "forest", "night", "snow", "desert", "fire",
// "red", "gold", ...); the prompt hash picks whatever the words leave open and
// `seed` varies the layout (positions, noise, shapes).
DemoScene MakeDemoScene(std::string_view prompt, int64_t seed);

}  // namespace aigen::gen
