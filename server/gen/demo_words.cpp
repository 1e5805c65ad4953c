#include <string>

#include "gen/demo_palette.h"

namespace aigen::gen {
namespace {

// Words with one meaning, separated by spaces, and what they ask for: a sky,
// a land, or an effect flag of DemoWishes.
struct WordGroup {
  std::string_view words;
  std::optional<DemoSky> sky = {};
  std::optional<DemoLand> land = {};
  bool DemoWishes::*flag = nullptr;
};

constexpr WordGroup kGroups[] = {
    {"day sunny noon summer spring meadow", DemoSky::kDay},
    {"dawn sunrise morning", DemoSky::kDawn},
    {"sunset dusk evening twilight sundown autumn", DemoSky::kSunset},
    {"night midnight moon moonlit moonlight starry star dark", DemoSky::kNight},
    {"storm stormy rain rainy thunder fog foggy mist", DemoSky::kStorm},
    {"space galaxy nebula cosmos cosmic planet universe astronaut",
     DemoSky::kSpace},
    {"hill valley field countryside", {}, DemoLand::kHills},
    {"mountain peak alps cliff volcano", {}, DemoLand::kMountains},
    {"desert dune sand sahara cactus", {}, DemoLand::kDunes},
    {"forest tree woods jungle pine woodland", {}, DemoLand::kForest},
    {"city town skyline building urban skyscraper cyberpunk street",
     {},
     DemoLand::kCity},
    {"ocean sea beach lake water wave coast island shore harbor river boat",
     {},
     {},
     &DemoWishes::water},
    {"snow snowy winter ice icy frozen arctic glacier christmas",
     {},
     {},
     &DemoWishes::snow},
    {"fire flame lava inferno burning dragon", {}, {}, &DemoWishes::fire},
    {"aurora northern borealis", {}, {}, &DemoWishes::aurora},
    {"abstract pattern swirl marble fractal psychedelic texture",
     {},
     {},
     &DemoWishes::abstract},
    {"clear", {}, {}, &DemoWishes::clear},
    {"cloud cloudy", {}, {}, &DemoWishes::cloudy},
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

// ASCII letters only, lower-cased; everything else separates words.
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
  if (token.substr(0, word.size()) == word) {
    const std::string_view rest = token.substr(word.size());
    return rest == "s" || rest == "es";
  }
  const std::string_view stem = word.substr(0, word.size() - 1);
  return word.back() == 'y' && token.size() == word.size() + 2 &&
         token.substr(0, stem.size()) == stem &&
         token.substr(stem.size()) == "ies";
}

bool InGroup(std::string_view token, std::string_view words) {
  while (!words.empty()) {
    const size_t space = words.find(' ');
    if (IsWordOrPlural(token, words.substr(0, space))) return true;
    if (space == std::string_view::npos) break;
    words.remove_prefix(space + 1);
  }
  return false;
}

void Read(std::string_view token, DemoWishes& wishes) {
  for (const WordGroup& group : kGroups) {
    if (!InGroup(token, group.words)) continue;
    if (group.sky && !wishes.sky) wishes.sky = group.sky;
    if (group.land && !wishes.land) wishes.land = group.land;
    if (group.flag != nullptr) wishes.*group.flag = true;
    return;
  }
  for (const ColorWord& color : kColorWords) {
    if (IsWordOrPlural(token, color.word)) {
      if (wishes.tints.size() < 2) wishes.tints.push_back(color.tint);
      return;
    }
  }
}

}  // namespace

DemoWishes ReadDemoWishes(std::string_view prompt) {
  DemoWishes wishes;
  for (const std::string& token : Tokens(prompt)) Read(token, wishes);
  return wishes;
}

}  // namespace aigen::gen
