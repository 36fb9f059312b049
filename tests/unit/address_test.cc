#include "core/address.h"
#include "tests/support/thrown.h"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <string>
#include <vector>

using llmgw::IpAddress;
using llmgw::Network;
using test::invalid;
using test::thrown_by;

namespace {

// The address as it prints, or "none" when `text` is refused.
std::string address(const std::string& text) {
  std::optional<IpAddress> a = IpAddress::parse(text);
  return a ? a->to_string() : "none";
}

IpAddress ip(const std::string& text) {
  std::optional<IpAddress> a = IpAddress::parse(text);
  REQUIRE_MESSAGE(a, text);
  return *a;
}

std::optional<test::Thrown> network_error(const std::string& text) {
  return thrown_by([&] { Network::parse(text); });
}

test::Thrown not_a_network(const std::string& text) {
  return invalid("invalid network '" + text +
                 "': expected an IPv4 or IPv6 address or CIDR block, such as 203.0.113.0/24 "
                 "or 2001:db8::/32");
}

// The addresses of `candidates` that `network` contains, space-separated.
std::string contained(const std::string& network, const std::vector<std::string>& candidates) {
  Network n = Network::parse(network);
  std::string out;
  for (const std::string& c : candidates) {
    if (n.contains(ip(c))) {
      out += out.empty() ? c : " " + c;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("address: IPv4 dotted quads parse and print back") {
  for (std::string text : {"0.0.0.0", "127.0.0.1", "203.0.113.7", "255.255.255.255"}) {
    CAPTURE(text);
    CHECK(address(text) == text);
    CHECK(ip(text).is_ipv4());
  }
  std::array<std::uint8_t, 16> mapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 203, 0, 113, 7};
  CHECK(ip("203.0.113.7").bytes() == mapped);
  CHECK(ip("203.0.113.7") != ip("203.0.113.8"));
}

TEST_CASE("address: IPv6 text prints in inet_ntop's compressed lower-case form") {
  CHECK(address("::") == "::");
  CHECK(address("::1") == "::1");
  CHECK(address("2001:DB8:0:0:0:0:0:1") == "2001:db8::1");
  CHECK(address("2001:db8:0:0:1:0:0:1") == "2001:db8::1:0:0:1");
  CHECK(address("fe80::1") == "fe80::1");
  CHECK(address("2001:db8::1.2.3.4") == "2001:db8::102:304");
  // The longest text an address can have: 45 characters.
  CHECK(address("0000:0000:0000:0000:0000:ffff:255.255.255.255") == "255.255.255.255");
  CHECK(address("ABCD:0000:0000:0000:0000:ffff:255.255.255.255") == "abcd::ffff:ffff:ffff");
  CHECK(address("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") ==
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
  CHECK_FALSE(ip("::1").is_ipv4());
  // The deprecated IPv4-compatible form is an IPv6 address, not the IPv4 one.
  CHECK(ip("::1.2.3.4") != ip("1.2.3.4"));
  CHECK_FALSE(ip("::1.2.3.4").is_ipv4());
}

TEST_CASE("address: an IPv4-mapped IPv6 address is the IPv4 address") {
  for (std::string text : {"::ffff:1.2.3.4", "::FFFF:1.2.3.4", "::ffff:102:304",
                           "0:0:0:0:0:ffff:102:304", "0000:0000:0000:0000:0000:ffff:1.2.3.4"}) {
    CAPTURE(text);
    CHECK(ip(text) == ip("1.2.3.4"));
    CHECK(address(text) == "1.2.3.4");
  }
  CHECK(ip("::fffe:1.2.3.4") != ip("1.2.3.4"));
  CHECK(address("::fffe:1.2.3.4") == "::fffe:102:304");
}

TEST_CASE("address: text that is not an address is refused") {
  for (std::string text :
       {"", " ", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "01.2.3.4", "1.2.3.04", "000.0.0.0",
        "256.1.1.1", "1.2.3.256", "0x7f.0.0.1", "127.1", "2130706433", "-1.2.3.4", "+1.2.3.4",
        " 1.2.3.4", "1.2.3.4 ", "1.2.3.4\n", "1.2.3.4:80", "1.2.3.4/32", "localhost",
        "fe80::1%eth0", "fe80::1%1", "[::1]", "[::1]:80", "::1 ", ":::", "1::2::3", "::g",
        "1:2:3:4:5:6:7:8:9", "12345::", "::ffff:01.2.3.4", "::ffff:1.2.3", "::/0"}) {
    CAPTURE(text);
    CHECK(address(text) == "none");
  }
  // inet_pton reads up to a NUL; the whole text must be the address.
  CHECK(address(std::string("1.2.3.4\0", 8)) == "none");
  CHECK(address(std::string("::1\0garbage", 11)) == "none");
  CHECK(address("0000:0000:0000:0000:0000:ffff:255.255.255.2550") == "none");  // 46
  CHECK(address(std::string(100'000, '1')) == "none");
}

TEST_CASE("address: from_socket reads IPv4 and IPv6 socket addresses") {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  v4.sin_port = htons(8080);
  v4.sin_addr.s_addr = htonl(0xcb007107);  // 203.0.113.7
  std::optional<IpAddress> a = IpAddress::from_socket(reinterpret_cast<const sockaddr&>(v4));
  REQUIRE(a);
  CHECK(a->to_string() == "203.0.113.7");
  CHECK(*a == ip("::ffff:203.0.113.7"));

  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  v6.sin6_port = htons(443);
  v6.sin6_scope_id = 2;
  REQUIRE(inet_pton(AF_INET6, "2001:db8::1", &v6.sin6_addr) == 1);
  a = IpAddress::from_socket(reinterpret_cast<const sockaddr&>(v6));
  REQUIRE(a);
  CHECK(a->to_string() == "2001:db8::1");
  CHECK(*a == ip("2001:db8::1"));

  // An IPv4 client of a dual-stack socket is the same address as on an IPv4 socket.
  REQUIRE(inet_pton(AF_INET6, "::ffff:203.0.113.7", &v6.sin6_addr) == 1);
  a = IpAddress::from_socket(reinterpret_cast<const sockaddr&>(v6));
  REQUIRE(a);
  CHECK(a->to_string() == "203.0.113.7");
  CHECK(*a == ip("203.0.113.7"));

  sockaddr_un local{};
  local.sun_family = AF_UNIX;
  CHECK_FALSE(IpAddress::from_socket(reinterpret_cast<const sockaddr&>(local)));
  sockaddr unspecified{};
  unspecified.sa_family = AF_UNSPEC;
  CHECK_FALSE(IpAddress::from_socket(unspecified));
}

TEST_CASE("address: networks print canonically") {
  struct Case {
    std::string text;
    std::string canonical;
  };
  for (const Case& c : {Case{"203.0.113.0/24", "203.0.113.0/24"},
                        Case{"203.0.113.7", "203.0.113.7/32"},
                        Case{"203.0.113.7/32", "203.0.113.7/32"},
                        Case{"203.0.113.128/25", "203.0.113.128/25"},
                        Case{"0.0.0.0/0", "0.0.0.0/0"},
                        Case{"2001:DB8::/32", "2001:db8::/32"},
                        Case{"2001:db8:0:0::/64", "2001:db8::/64"},
                        Case{"::1", "::1/128"},
                        Case{"::1/128", "::1/128"},
                        Case{"::/0", "::/0"},
                        Case{"::/80", "::/80"},
                        Case{"::/95", "::/95"},
                        Case{"::ffff:203.0.113.0/120", "203.0.113.0/24"},
                        Case{"::ffff:203.0.113.7", "203.0.113.7/32"},
                        Case{"::ffff:0:0/96", "0.0.0.0/0"}}) {
    CAPTURE(c.text);
    CHECK(Network::parse(c.text).to_string() == c.canonical);
    CHECK(Network::parse(Network::parse(c.text).to_string()) == Network::parse(c.text));
  }
  CHECK(Network::parse("203.0.113.7") == Network::parse("203.0.113.7/32"));
  CHECK(Network::parse("203.0.113.0/24") != Network::parse("203.0.113.0/25"));
}

TEST_CASE("address: network prefixes are bounded by the family as written") {
  CHECK(Network::parse("203.0.113.7/32").to_string() == "203.0.113.7/32");
  CHECK(Network::parse("0.0.0.0/0").to_string() == "0.0.0.0/0");
  CHECK(network_error("203.0.113.7/33") == not_a_network("203.0.113.7/33"));
  CHECK(network_error("0.0.0.0/33") == not_a_network("0.0.0.0/33"));
  CHECK(Network::parse("2001:db8::1/128").to_string() == "2001:db8::1/128");
  CHECK(network_error("2001:db8::1/129") == not_a_network("2001:db8::1/129"));
  CHECK(network_error("::/129") == not_a_network("::/129"));
  // A mapped address is IPv6 text, so it takes an IPv6 prefix.
  CHECK(Network::parse("::ffff:203.0.113.7/128").to_string() == "203.0.113.7/32");
  CHECK(network_error("::ffff:203.0.113.7/129") == not_a_network("::ffff:203.0.113.7/129"));
}

TEST_CASE("address: malformed networks are refused with the form expected") {
  for (std::string text :
       {"", "/", "/24", "203.0.113.0/", "203.0.113.0/024", "203.0.113.0/00", "0.0.0.0/00",
        "203.0.113.0/+24", "203.0.113.0/-1", "203.0.113.0/ 24", "203.0.113.0/24 ",
        " 203.0.113.0/24", "203.0.113.0 /24", "203.0.113.0/24/8", "203.0.113.0/0x18",
        "203.0.113.0/2.4", "203.0.113/24", "2001:db8::/1000", "2001:db8::/0128", "[::1]/128",
        "fe80::%eth0/64", "example.com/24"}) {
    CAPTURE(text);
    CHECK(network_error(text) == not_a_network(text));
  }
}

TEST_CASE("address: a network with host bits set is refused with the block meant") {
  CHECK(network_error("203.0.113.7/24") ==
        invalid("invalid network '203.0.113.7/24': bits are set after the /24 prefix (did you "
                "mean 203.0.113.0/24?)"));
  CHECK(network_error("203.0.113.129/31") ==
        invalid("invalid network '203.0.113.129/31': bits are set after the /31 prefix (did you "
                "mean 203.0.113.128/31?)"));
  CHECK(network_error("1.2.3.4/0") ==
        invalid("invalid network '1.2.3.4/0': bits are set after the /0 prefix (did you mean "
                "0.0.0.0/0?)"));
  CHECK(network_error("2001:db8::1/32") ==
        invalid("invalid network '2001:db8::1/32': bits are set after the /32 prefix (did you "
                "mean 2001:db8::/32?)"));
  CHECK(network_error("::ffff:203.0.113.7/120") ==
        invalid("invalid network '::ffff:203.0.113.7/120': bits are set after the /120 prefix "
                "(did you mean ::ffff:203.0.113.0/120?)"));
}

TEST_CASE("address: contains() at the edges of IPv4 blocks") {
  std::vector<std::string> around_24{"203.0.112.255", "203.0.113.0", "203.0.113.127",
                                     "203.0.113.128", "203.0.113.255", "203.0.114.0"};
  CHECK(contained("203.0.113.0/24", around_24) == "203.0.113.0 203.0.113.127 203.0.113.128 "
                                                  "203.0.113.255");
  CHECK(contained("203.0.113.0/25", around_24) == "203.0.113.0 203.0.113.127");
  CHECK(contained("203.0.113.128/25", around_24) == "203.0.113.128 203.0.113.255");
  CHECK(contained("203.0.113.127/32", around_24) == "203.0.113.127");
  CHECK(contained("203.0.113.127", around_24) == "203.0.113.127");
  CHECK(contained("10.0.0.0/8", {"9.255.255.255", "10.0.0.0", "10.255.255.255", "11.0.0.0"}) ==
        "10.0.0.0 10.255.255.255");
}

TEST_CASE("address: contains() at the edges of IPv6 blocks") {
  std::vector<std::string> around_32{"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::",
                                     "2001:db8:7fff:ffff:ffff:ffff:ffff:ffff", "2001:db8:8000::",
                                     "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db9::"};
  CHECK(contained("2001:db8::/32", around_32) ==
        "2001:db8:: 2001:db8:7fff:ffff:ffff:ffff:ffff:ffff 2001:db8:8000:: "
        "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
  CHECK(contained("2001:db8::/33", around_32) ==
        "2001:db8:: 2001:db8:7fff:ffff:ffff:ffff:ffff:ffff");
  CHECK(contained("2001:db8:8000::/33", around_32) ==
        "2001:db8:8000:: 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
  CHECK(contained("::/127", {"::", "::1", "::2"}) == ":: ::1");
  CHECK(contained("::1", {"::", "::1", "::2", "1.0.0.0"}) == "::1");
}

TEST_CASE("address: IPv4 blocks and their IPv4-mapped form are one network") {
  CHECK(Network::parse("::ffff:203.0.113.0/120") == Network::parse("203.0.113.0/24"));
  CHECK(Network::parse("::ffff:cb00:7100/120") == Network::parse("203.0.113.0/24"));
  CHECK(Network::parse("::ffff:0:0/96") == Network::parse("0.0.0.0/0"));
  std::vector<std::string> edges{"203.0.112.255", "::ffff:203.0.113.0", "203.0.113.255",
                                 "::ffff:203.0.114.0", "::203.0.113.1", "64:ff9b::203.0.113.1"};
  CHECK(contained("203.0.113.0/24", edges) == "::ffff:203.0.113.0 203.0.113.255");
  CHECK(contained("::ffff:203.0.113.0/120", edges) == "::ffff:203.0.113.0 203.0.113.255");
}

TEST_CASE("address: a /0 holds every address of its family, and IPv4's no IPv6 address") {
  std::vector<std::string> everywhere{"0.0.0.0", "255.255.255.255", "::", "::1",
                                      "::fffe:ffff:ffff", "::1:0:0:0", "2001:db8::1",
                                      "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"};
  CHECK(contained("0.0.0.0/0", everywhere) == "0.0.0.0 255.255.255.255");
  CHECK(contained("::/0", everywhere) ==
        "0.0.0.0 255.255.255.255 :: ::1 ::fffe:ffff:ffff ::1:0:0:0 2001:db8::1 "
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
  // An IPv6 block that holds the mapped range holds the IPv4 addresses too.
  CHECK(contained("::/80", everywhere) == "0.0.0.0 255.255.255.255 :: ::1 ::fffe:ffff:ffff");
  CHECK(contained("::/95", everywhere) == ":: ::1");
}
