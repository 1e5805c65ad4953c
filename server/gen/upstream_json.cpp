#include "gen/upstream_json.h"

#include "util/encoding.h"

namespace aigen::gen {

nlohmann::json ParseUpstreamJson(std::string_view text) {
  if (!util::JsonNestingWithin(text, 64))
    return nlohmann::json::value_t::discarded;
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

std::string UpstreamText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ShortenUpstreamMessage(std::string text) {
  constexpr size_t kMax = 500;
  if (text.size() > kMax) {
    text.resize(kMax);
    text += "...";
  }
  return text;
}

}  // namespace aigen::gen
