#include "api/json_body.h"

#include <algorithm>

#include "util/encoding.h"

namespace aigen::api {
Result<nlohmann::json> ParseJsonObject(std::string_view body, int max_depth) {
  if (!util::JsonNestingWithin(body, max_depth)) {
    return Status::InvalidArgument(
        "JSON nested deeper than " + std::to_string(max_depth) + " levels",
        "invalid_json");
  }
  auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return Status::InvalidArgument("the request body is not valid JSON",
                                   "invalid_json");
  }
  if (!doc.is_object()) {
    return Status::InvalidArgument("the request body must be a JSON object",
                                   "invalid_json");
  }
  return doc;
}

Result<std::string> OptionalString(const nlohmann::json& obj, const char* key,
                                   const char* reason) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::string();
  if (!it->is_string()) {
    return Status::InvalidArgument(
        std::string("\"") + key + "\" must be a string", reason);
  }
  return it->get<std::string>();
}

Result<int64_t> OptionalInt(const nlohmann::json& obj, const char* key,
                            int64_t fallback, int64_t min, int64_t max,
                            const char* reason) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fallback;
  std::string range = std::to_string(min) + ".." + std::to_string(max);
  if (!it->is_number_integer()) {
    return Status::InvalidArgument(
        std::string("\"") + key + "\" must be an integer in " + range, reason);
  }
  // Unsigned values above int64 range arrive as number_unsigned.
  if (it->is_number_unsigned() &&
      it->get<uint64_t>() > static_cast<uint64_t>(max)) {
    return Status::InvalidArgument(
        std::string("\"") + key + "\" must be in " + range, reason);
  }
  int64_t v = it->get<int64_t>();
  if (v < min || v > max) {
    return Status::InvalidArgument(
        std::string("\"") + key + "\" must be in " + range, reason);
  }
  return v;
}

Status RejectUnknownKeys(const nlohmann::json& obj,
                         std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : obj.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (auto a : allowed)
        list += (list.empty() ? "" : ", ") + std::string(a);
      return Status::InvalidArgument(
          "unknown field \"" + key + "\" (accepted: " + list + ")",
          "unknown_field");
    }
  }
  return Status::Ok();
}

}  // namespace aigen::api
