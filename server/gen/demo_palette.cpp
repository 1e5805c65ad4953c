#include "gen/demo_palette.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace aigen::gen {
namespace {

// What a prompt word suggests. Sky and land words: the first one in the
// prompt wins; effects add up; colour words tint the palette.
enum class Trait {
  kDay,
  kDawn,
  kSunset,
  kNight,
  kStorm,
  kSpace,  // sky
  kHills,
  kMountains,
  kDunes,
  kForest,
  kCity,  // land
  kWater,
  kSnow,
  kFire,
  kAurora,
  kAbstract,
  kClear,
  kCloudy,  // effects
  kColor,
};

// Words suggesting each trait, separated by spaces.
struct TraitWords {
  Trait trait;
  std::string_view words;
};

constexpr TraitWords kTraitWords[] = {
    {Trait::kDay, "day sunny noon summer spring meadow"},
    {Trait::kDawn, "dawn sunrise morning"},
    {Trait::kSunset, "sunset dusk evening twilight sundown autumn"},
    {Trait::kNight, "night midnight moon moonlit moonlight starry star dark"},
    {Trait::kStorm, "storm stormy rain rainy thunder fog foggy mist"},
    {Trait::kSpace,
     "space galaxy nebula cosmos cosmic planet universe astronaut"},
    {Trait::kHills, "hill valley field countryside"},
    {Trait::kMountains, "mountain peak alps cliff volcano"},
    {Trait::kDunes, "desert dune sand sahara cactus"},
    {Trait::kForest, "forest tree woods jungle pine woodland"},
    {Trait::kCity,
     "city town skyline building urban skyscraper cyberpunk street"},
    {Trait::kWater,
     "ocean sea beach lake water wave coast island shore harbor river boat"},
    {Trait::kSnow, "snow snowy winter ice icy frozen arctic glacier christmas"},
    {Trait::kFire, "fire flame lava inferno burning dragon"},
    {Trait::kAurora, "aurora northern borealis"},
    {Trait::kAbstract,
     "abstract pattern swirl marble fractal psychedelic texture"},
    {Trait::kClear, "clear"},
    {Trait::kCloudy, "cloud cloudy"},
};

struct ColorWord {
  std::string_view word;
  Rgb tint;
};

constexpr ColorWord kColorWords[] = {
    {"red", {0.90f, 0.16f, 0.12f}},      {"crimson", {0.75f, 0.08f, 0.18f}},
    {"scarlet", {0.95f, 0.2f, 0.1f}},    {"orange", {1.0f, 0.52f, 0.12f}},
    {"amber", {1.0f, 0.68f, 0.15f}},     {"yellow", {1.0f, 0.88f, 0.25f}},
    {"gold", {1.0f, 0.76f, 0.28f}},      {"golden", {1.0f, 0.76f, 0.28f}},
    {"green", {0.25f, 0.75f, 0.3f}},     {"emerald", {0.1f, 0.7f, 0.45f}},
    {"blue", {0.2f, 0.42f, 0.95f}},      {"azure", {0.3f, 0.6f, 1.0f}},
    {"navy", {0.1f, 0.15f, 0.45f}},      {"teal", {0.1f, 0.65f, 0.65f}},
    {"cyan", {0.2f, 0.85f, 0.9f}},       {"turquoise", {0.25f, 0.85f, 0.78f}},
    {"purple", {0.55f, 0.25f, 0.78f}},   {"violet", {0.6f, 0.35f, 0.9f}},
    {"lavender", {0.72f, 0.62f, 0.92f}}, {"magenta", {0.9f, 0.2f, 0.7f}},
    {"pink", {1.0f, 0.55f, 0.72f}},      {"rose", {0.95f, 0.45f, 0.55f}},
    {"white", {0.95f, 0.95f, 0.97f}},    {"silver", {0.78f, 0.8f, 0.86f}},
    {"grey", {0.55f, 0.56f, 0.58f}},     {"gray", {0.55f, 0.56f, 0.58f}},
    {"brown", {0.55f, 0.36f, 0.2f}},     {"neon", {1.0f, 0.2f, 0.85f}},
};

// What a prompt token means, if anything.
struct Match {
  Trait trait;
  Rgb tint;
};

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

std::vector<std::string> Tokens(std::string_view prompt) {
  std::vector<std::string> tokens(1);
  for (char c : prompt) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c >= 'a' && c <= 'z') {
      tokens.back() += c;
    } else if (!tokens.back().empty()) {
      tokens.emplace_back();
    }
  }
  if (tokens.back().empty()) tokens.pop_back();
  return tokens;
}

// `token` is `word` or its plural ("trees", "beaches", "cities").
bool IsWordOrPlural(std::string_view token, std::string_view word) {
  if (token == word) return true;
  if (token.size() <= word.size()) return false;
  const std::string_view rest = token.substr(word.size());
  if (token.substr(0, word.size()) == word) return rest == "s" || rest == "es";
  const std::string_view stem = word.substr(0, word.size() - 1);
  return word.back() == 'y' && token.size() == word.size() + 2 &&
         token.substr(0, stem.size()) == stem &&
         token.substr(stem.size()) == "ies";
}

std::optional<Match> Lookup(std::string_view token) {
  for (const TraitWords& entry : kTraitWords) {
    std::string_view words = entry.words;
    while (!words.empty()) {
      const size_t space = words.find(' ');
      if (IsWordOrPlural(token, words.substr(0, space)))
        return Match{entry.trait, {}};
      words = space == std::string_view::npos ? std::string_view()
                                              : words.substr(space + 1);
    }
  }
  for (const ColorWord& entry : kColorWords) {
    if (IsWordOrPlural(token, entry.word))
      return Match{Trait::kColor, entry.tint};
  }
  return std::nullopt;
}

float Luma(Rgb c) { return 0.3f * c.r + 0.59f * c.g + 0.11f * c.b; }

// Moves `base` toward the hue of `tint` by `amount`, keeping its brightness so
// a red night stays dark.
Rgb Tint(Rgb base, Rgb tint, float amount) {
  const float scale = Luma(base) / std::max(Luma(tint), 0.05f);
  return Mix(base, tint * std::min(scale, 1.6f), amount);
}

// What the prompt's words asked for, before any defaults.
struct Wishes {
  bool has_sky = false, has_land = false;
  DemoSky sky = DemoSky::kDay;
  DemoLand land = DemoLand::kHills;
  bool water = false, snow = false, fire = false, aurora = false,
       abstract = false;
  bool clear = false, cloudy = false;
  std::vector<Rgb> tints;
};

void Apply(const Match& match, Wishes& w) {
  auto sky = [&](DemoSky s) {
    if (!w.has_sky) {
      w.sky = s;
      w.has_sky = true;
    }
  };
  auto land = [&](DemoLand l) {
    if (!w.has_land) {
      w.land = l;
      w.has_land = true;
    }
  };
  switch (match.trait) {
    case Trait::kDay:
      sky(DemoSky::kDay);
      break;
    case Trait::kDawn:
      sky(DemoSky::kDawn);
      break;
    case Trait::kSunset:
      sky(DemoSky::kSunset);
      break;
    case Trait::kNight:
      sky(DemoSky::kNight);
      break;
    case Trait::kStorm:
      sky(DemoSky::kStorm);
      break;
    case Trait::kSpace:
      sky(DemoSky::kSpace);
      break;
    case Trait::kHills:
      land(DemoLand::kHills);
      break;
    case Trait::kMountains:
      land(DemoLand::kMountains);
      break;
    case Trait::kDunes:
      land(DemoLand::kDunes);
      break;
    case Trait::kForest:
      land(DemoLand::kForest);
      break;
    case Trait::kCity:
      land(DemoLand::kCity);
      break;
    case Trait::kWater:
      w.water = true;
      break;
    case Trait::kSnow:
      w.snow = true;
      break;
    case Trait::kFire:
      w.fire = true;
      break;
    case Trait::kAurora:
      w.aurora = true;
      break;
    case Trait::kAbstract:
      w.abstract = true;
      break;
    case Trait::kClear:
      w.clear = true;
      break;
    case Trait::kCloudy:
      w.cloudy = true;
      break;
    case Trait::kColor:
      if (w.tints.size() < 2) w.tints.push_back(match.tint);
      break;
  }
}

// Fills in what the words left open, from the prompt hash alone so that
// every seed of one prompt shares its theme.
void Default(uint64_t prompt_hash, Wishes& w) {
  Rng rng(prompt_hash);
  if (!w.has_sky) {
    const float pick = rng.Uniform(0, 1);
    if (w.aurora || (w.fire && pick < 0.6f)) {
      w.sky = DemoSky::kNight;
    } else {
      w.sky = pick < 0.33f   ? DemoSky::kDay
              : pick < 0.58f ? DemoSky::kSunset
              : pick < 0.73f ? DemoSky::kDawn
              : pick < 0.95f ? DemoSky::kNight
                             : DemoSky::kStorm;
    }
  }
  if (!w.has_land) {
    constexpr DemoLand kLands[] = {DemoLand::kHills,     DemoLand::kHills,
                                   DemoLand::kMountains, DemoLand::kForest,
                                   DemoLand::kDunes,     DemoLand::kMountains};
    w.land = kLands[rng.Next() % std::size(kLands)];
    if (w.snow && w.land == DemoLand::kDunes) w.land = DemoLand::kHills;
    if (!w.water && rng.Chance(0.3f)) w.water = true;
  }
  if (w.sky == DemoSky::kSpace) w.land = DemoLand::kNone;
}

void SetSky(DemoSky sky, DemoScene& s) {
  s.sky = sky;
  switch (sky) {
    case DemoSky::kDay:
      s.sky_top = {0.2f, 0.42f, 0.82f};
      s.sky_horizon = {0.72f, 0.85f, 0.96f};
      s.glow = {1.0f, 0.97f, 0.86f};
      s.cloud = {1.0f, 1.0f, 1.0f};
      s.light = {1, 1, 1};
      s.clouds = 0.35f;
      break;
    case DemoSky::kDawn:
      s.sky_top = {0.34f, 0.42f, 0.72f};
      s.sky_horizon = {1.0f, 0.74f, 0.62f};
      s.glow = {1.0f, 0.9f, 0.72f};
      s.cloud = {1.0f, 0.78f, 0.78f};
      s.light = {0.8f, 0.72f, 0.78f};
      s.clouds = 0.35f;
      break;
    case DemoSky::kSunset:
      s.sky_top = {0.17f, 0.11f, 0.36f};
      s.sky_horizon = {1.0f, 0.5f, 0.2f};
      s.glow = {1.0f, 0.84f, 0.45f};
      s.cloud = {0.95f, 0.45f, 0.42f};
      s.light = {0.42f, 0.24f, 0.32f};
      s.clouds = 0.4f;
      break;
    case DemoSky::kNight:
      s.sky_top = {0.01f, 0.015f, 0.06f};
      s.sky_horizon = {0.07f, 0.11f, 0.24f};
      s.glow = {0.93f, 0.94f, 1.0f};
      s.cloud = {0.16f, 0.18f, 0.27f};
      s.light = {0.1f, 0.12f, 0.2f};
      s.clouds = 0.2f;
      s.stars = 0.8f;
      s.sun = false;
      s.moon = true;
      break;
    case DemoSky::kStorm:
      s.sky_top = {0.22f, 0.24f, 0.29f};
      s.sky_horizon = {0.52f, 0.55f, 0.6f};
      s.glow = {0.9f, 0.9f, 0.88f};
      s.cloud = {0.4f, 0.42f, 0.47f};
      s.light = {0.5f, 0.52f, 0.56f};
      s.clouds = 0.85f;
      s.sun = false;
      break;
    case DemoSky::kSpace:
      s.sky_top = {0.0f, 0.0f, 0.02f};
      s.sky_horizon = {0.03f, 0.01f, 0.07f};
      s.glow = {0.9f, 0.6f, 0.4f};
      s.cloud = {0, 0, 0};
      s.light = {1, 1, 1};
      s.accent = {0.55f, 0.2f, 0.8f};
      s.clouds = 0;
      s.stars = 1.0f;
      s.nebula = true;
      break;
  }
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

void ApplyEffects(const Wishes& w, DemoScene& s) {
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
  Wishes wishes;
  for (const std::string& token : Tokens(prompt)) {
    if (const std::optional<Match> match = Lookup(token)) Apply(*match, wishes);
  }
  Default(prompt_hash, wishes);
  DemoScene scene;
  SetSky(wishes.sky, scene);
  scene.land = wishes.land;
  scene.water = wishes.water && scene.land != DemoLand::kNone;
  scene.land_color = LandMaterial(scene.land);
  scene.water_color = {0.07f, 0.3f, 0.48f};
  if (scene.accent.r + scene.accent.g + scene.accent.b == 0)
    scene.accent = {0.3f, 0.8f, 0.9f};
  ApplyEffects(wishes, scene);
  Layout(Mix64(prompt_hash ^ Mix64(static_cast<uint64_t>(seed))), scene);
  return scene;
}

}  // namespace aigen::gen
