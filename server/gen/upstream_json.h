#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace aigen::gen {

// What image backends answer is parsed defensively: these never throw.

// The parsed document, or a discarded value when `text` is not JSON or nests
// deeper than 64 levels.
nlohmann::json ParseUpstreamJson(std::string_view text);

// A JSON value as message text: strings as they are, null as "", anything
// else serialized (invalid UTF-8 replaced).
std::string UpstreamText(const nlohmann::json& value);

// `text` cut to 500 bytes with "..." appended, so one upstream error cannot
// flood the log or the user's screen.
std::string ShortenUpstreamMessage(std::string text);

}  // namespace aigen::gen
