#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "util/status.h"

namespace aigen::api {

// Parses a request body that must be one JSON object nested at most
// `max_depth` levels (deeper documents are refused before parsing: the
// library recurses, and a deep one would exhaust the stack when dumped).
// InvalidArgument ("invalid_json") with what is wrong.
Result<nlohmann::json> ParseJsonObject(std::string_view body,
                                       int max_depth = 16);

// Reads optional fields of a parsed object with clear errors naming the field.
// Each returns InvalidArgument (reason `reason`) when present with a wrong
// type.
Result<std::string> OptionalString(const nlohmann::json& obj, const char* key,
                                   const char* reason);
// An integer in [min, max]; `fallback` when absent or null.
Result<int64_t> OptionalInt(const nlohmann::json& obj, const char* key,
                            int64_t fallback, int64_t min, int64_t max,
                            const char* reason);

// InvalidArgument naming the first key of `obj` not in `allowed`.
Status RejectUnknownKeys(const nlohmann::json& obj,
                         std::initializer_list<std::string_view> allowed);

}  // namespace aigen::api
