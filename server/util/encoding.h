#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace aigen::util {

// Standard base64 (RFC 4648, with padding). Decode accepts and ignores
// whitespace (some servers wrap lines); anything else invalid is
// InvalidArgument.
std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);

// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

// `n` bytes from the OS CSPRNG, hex-encoded (2n characters).
std::string RandomHex(size_t n);

// True if `s` is well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF).
bool IsValidUtf8(std::string_view s);

// True if no [ or { in the JSON text nests deeper than `max_depth` (strings
// are skipped). Checked before parsing: nlohmann's parser and dump() recurse,
// and a deep enough document exhausts the stack.
bool JsonNestingWithin(std::string_view text, int max_depth);

// `s` without leading and trailing ASCII whitespace.
std::string_view Trim(std::string_view s);

}  // namespace aigen::util
