#include "core/address.h"

#include "core/error.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace llmgw {

namespace {

using Bytes = std::array<std::uint8_t, 16>;

constexpr int k_ipv4_offset = 96;  // the mapped range ::ffff:0:0/96 holds IPv4
constexpr std::uint8_t k_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

Bytes mapped(const void* ipv4) {
  Bytes bytes{};
  std::memcpy(bytes.data(), k_mapped_prefix, sizeof k_mapped_prefix);
  std::memcpy(bytes.data() + 12, ipv4, 4);
  return bytes;
}

// The dotted quad of the last four bytes.
std::string ipv4_text(const Bytes& bytes) {
  char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, bytes.data() + 12, text, sizeof text);
  return text;
}

// The IPv6 text, even of a mapped address: "::ffff:203.0.113.0".
std::string ipv6_text(const Bytes& bytes) {
  char text[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, bytes.data(), text, sizeof text);
  return text;
}

// `bytes` with every bit after the first `prefix` cleared.
Bytes masked(Bytes bytes, int prefix) {
  for (int i = 0; i < 16; ++i) {
    int kept = std::min(std::max(prefix - 8 * i, 0), 8);
    bytes[i] &= static_cast<std::uint8_t>(0xff00 >> kept);
  }
  return bytes;
}

// A prefix of 1 to 3 decimal digits, no leading zero; nullopt otherwise.
std::optional<int> parse_prefix(std::string_view text) {
  if (text.empty() || text.size() > 3 || (text[0] == '0' && text.size() > 1)) {
    return std::nullopt;
  }
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // inet_pton reads a C string: a NUL inside `text` would cut it short. No address is
  // longer than INET6_ADDRSTRLEN - 1 characters, so a stack copy holds every one (a list
  // of forwarded addresses costs no allocation).
  char c_text[INET6_ADDRSTRLEN];
  if (text.size() >= sizeof c_text || text.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  std::memcpy(c_text, text.data(), text.size());
  c_text[text.size()] = '\0';
  std::uint8_t ipv4[4];
  if (inet_pton(AF_INET, c_text, ipv4) == 1) {
    return IpAddress(mapped(ipv4));
  }
  Bytes bytes;
  if (inet_pton(AF_INET6, c_text, bytes.data()) == 1) {
    return IpAddress(bytes);
  }
  return std::nullopt;
}

std::optional<IpAddress> IpAddress::from_socket(const sockaddr& address) {
  if (address.sa_family == AF_INET) {
    return IpAddress(mapped(&reinterpret_cast<const sockaddr_in&>(address).sin_addr));
  }
  if (address.sa_family == AF_INET6) {
    Bytes bytes;
    std::memcpy(bytes.data(), &reinterpret_cast<const sockaddr_in6&>(address).sin6_addr, 16);
    return IpAddress(bytes);
  }
  return std::nullopt;
}

bool IpAddress::is_ipv4() const {
  return std::memcmp(m_bytes.data(), k_mapped_prefix, sizeof k_mapped_prefix) == 0;
}

std::string IpAddress::to_string() const {
  return is_ipv4() ? ipv4_text(m_bytes) : ipv6_text(m_bytes);
}

Network Network::parse(std::string_view text) {
  std::size_t slash = text.find('/');
  std::optional<IpAddress> address = IpAddress::parse(text.substr(0, slash));
  // The family as written: "::ffff:203.0.113.0" is IPv6 text, so its prefix is 0..128.
  bool written_ipv4 = address && text.substr(0, slash).find(':') == std::string_view::npos;
  int max_prefix = written_ipv4 ? 32 : 128;
  std::optional<int> prefix =
      slash == std::string_view::npos ? max_prefix : parse_prefix(text.substr(slash + 1));
  if (!address || !prefix || *prefix > max_prefix) {
    throw_invalid(fmt::format(
        "invalid network '{}': expected an IPv4 or IPv6 address or CIDR block, such as "
        "203.0.113.0/24 or 2001:db8::/32",
        text));
  }
  int ipv6_prefix = written_ipv4 ? *prefix + k_ipv4_offset : *prefix;
  Bytes first = masked(address->bytes(), ipv6_prefix);
  if (first != address->bytes()) {
    throw_invalid(fmt::format(
        "invalid network '{}': bits are set after the /{} prefix (did you mean {}/{}?)", text,
        *prefix, written_ipv4 ? ipv4_text(first) : ipv6_text(first), *prefix));
  }
  return Network(*address, ipv6_prefix);
}

bool Network::contains(const IpAddress& address) const {
  return masked(address.bytes(), m_prefix) == m_first.bytes();
}

std::string Network::to_string() const {
  if (m_prefix >= k_ipv4_offset && m_first.is_ipv4()) {
    return fmt::format("{}/{}", m_first.to_string(), m_prefix - k_ipv4_offset);
  }
  return fmt::format("{}/{}", ipv6_text(m_first.bytes()), m_prefix);
}

}  // namespace llmgw
