#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "ratelimit/limiter.h"

namespace aigen::ratelimit {
namespace {

std::string Ntop(int family, const void* addr) {
  char buf[INET6_ADDRSTRLEN];
  if (inet_ntop(family, addr, buf, sizeof buf) == nullptr) return {};
  return buf;
}

// Zeroes every bit after the first `prefix` bits of a 16-byte address.
void MaskToPrefix(unsigned char (&bytes)[16], int prefix) {
  for (int i = 0; i < 16; ++i) {
    const int keep = std::clamp(prefix - 8 * i, 0, 8);
    bytes[i] &= static_cast<unsigned char>(0xff00 >> keep);
  }
}

}  // namespace

std::string ClientKey(std::string_view ip, int ipv6_prefix) {
  // inet_pton needs a NUL-terminated string; the copy also gives us a key to
  // hand back as is when nothing parses.
  const std::string text(ip);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return Ntop(AF_INET, &v4);

  // A link-local address may carry its interface ("fe80::1%eth0"); the
  // interface says nothing about who the client is.
  const std::string host = text.substr(0, text.find('%'));
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) != 1) return text;
  if (IN6_IS_ADDR_V4MAPPED(&v6)) return Ntop(AF_INET, &v6.s6_addr[12]);

  // One IPv6 user usually holds a whole /56 or /64 and can rotate through it
  // at will, so counting single addresses would not limit anyone.
  const int prefix = std::clamp(ipv6_prefix, 0, 128);
  unsigned char bytes[16];
  std::memcpy(bytes, v6.s6_addr, sizeof bytes);
  MaskToPrefix(bytes, prefix);
  return Ntop(AF_INET6, bytes) + "/" + std::to_string(prefix);
}

}  // namespace aigen::ratelimit
