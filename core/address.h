#pragma once
// Client addresses and the networks that rules and trusted proxies name. An IPv4 address
// is held as its IPv4-mapped IPv6 form (::ffff:a.b.c.d), so "203.0.113.7" and
// "::ffff:203.0.113.7" are one address, and a client on a dual-stack socket matches the
// same networks as one on an IPv4 socket.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sockaddr;

namespace llmgw {

class IpAddress {
public:
  // nullopt when `text` is not an address. Accepted are inet_pton's forms: the dotted quad
  // for IPv4 and RFC 4291 text for IPv6 (hex in either case, "::", an embedded dotted
  // quad). Refused: a zone id ("fe80::1%eth0"), brackets, a port, surrounding blanks, a
  // NUL, the short IPv4 forms ("1.2.3", "0x7f.1"), and a leading zero in an IPv4 octet
  // ("01.2.3.4", which some parsers read as octal: inet_pton refuses it, so no reading
  // is ever guessed).
  static std::optional<IpAddress> parse(std::string_view text);
  // From a socket address, by its sa_family: AF_INET reads a sockaddr_in, AF_INET6 a
  // sockaddr_in6 (its scope id is dropped); nullopt for any other family.
  // REQUIRES: `address` begins an object of the type its sa_family names.
  static std::optional<IpAddress> from_socket(const sockaddr& address);

  // The dotted quad for an IPv4 (or IPv4-mapped) address, else IPv6's compressed
  // lower-case form as inet_ntop writes it: "203.0.113.7", "2001:db8::1".
  std::string to_string() const;
  // True for ::ffff:0:0/96, the addresses written as IPv4.
  bool is_ipv4() const;

  const std::array<std::uint8_t, 16>& bytes() const { return m_bytes; }
  bool operator==(const IpAddress& o) const { return m_bytes == o.m_bytes; }
  bool operator!=(const IpAddress& o) const { return !(*this == o); }

private:
  explicit IpAddress(const std::array<std::uint8_t, 16>& bytes) : m_bytes(bytes) {}
  std::array<std::uint8_t, 16> m_bytes;  // network byte order
};

// A CIDR block: "203.0.113.0/24", "2001:db8::/32", or one address ("203.0.113.7" is
// 203.0.113.7/32, "::1" is ::1/128). IPv4 blocks are blocks of the mapped range, so
// "203.0.113.0/24" and "::ffff:203.0.113.0/120" are one network, and "0.0.0.0/0" holds
// every IPv4 address but no IPv6 address outside ::ffff:0:0/96; "::/0" holds all.
class Network {
public:
  // Throws Error(invalid) "invalid network 'TEXT': expected an IPv4 or IPv6 address or
  // CIDR block, such as 203.0.113.0/24 or 2001:db8::/32" when `text` is not one: the
  // address as IpAddress::parse takes it, then optionally '/' and a prefix of decimal
  // digits, 0..32 after an IPv4 address and 0..128 after an IPv6 one (an IPv4-mapped
  // IPv6 address included), with no sign, blank or leading zero ("0" itself is fine).
  // Throws Error(invalid) "invalid network '203.0.113.7/24': bits are set after the /24
  // prefix (did you mean 203.0.113.0/24?)" when the address has host bits set; the
  // suggestion is written in the family and prefix of `text`.
  static Network parse(std::string_view text);

  bool contains(const IpAddress& address) const;
  // Canonical: "203.0.113.0/24", "2001:db8::/32"; one address keeps its "/32" or "/128".
  // A block within ::ffff:0:0/96 is written as IPv4 with the IPv4 prefix.
  std::string to_string() const;

  bool operator==(const Network& o) const { return m_first == o.m_first && m_prefix == o.m_prefix; }
  bool operator!=(const Network& o) const { return !(*this == o); }

private:
  Network(IpAddress first, int prefix) : m_first(first), m_prefix(prefix) {}
  IpAddress m_first;  // no bit set after the prefix
  int m_prefix;       // 0..128, over the IPv6 form: an IPv4 /24 is /120
};

}  // namespace llmgw
