#pragma once

#include <string>
#include <string_view>

namespace aigen::http {

// The client address as the socket reports it, with an IPv4-mapped IPv6
// address ("::ffff:203.0.113.7", seen on dual-stack listeners) turned back
// into its IPv4 form. Never derived from request headers.
inline std::string UnmapIPv4(std::string_view addr) {
  constexpr std::string_view kMapped = "::ffff:";
  if (addr.size() > kMapped.size() &&
      addr.substr(0, kMapped.size()) == kMapped &&
      addr.find('.') != std::string_view::npos) {
    addr.remove_prefix(kMapped.size());
  }
  return std::string(addr);
}

}  // namespace aigen::http
