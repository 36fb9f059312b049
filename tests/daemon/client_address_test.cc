#include "daemon/http/client_address.h"

#include <doctest/doctest.h>

using namespace llmgw;
using namespace llmgw::daemon;

namespace {

// The client of a request from `peer` with these X-Forwarded-For fields, the proxies in
// `trusted` trusted.
std::string client_of(std::string_view peer, const std::vector<std::string>& forwarded_for,
                      const std::vector<std::string>& trusted) {
  httplib::Headers headers;
  for (const std::string& value : forwarded_for) {
    headers.emplace("X-Forwarded-For", value);
  }
  std::vector<Network> networks;
  for (const std::string& network : trusted) {
    networks.push_back(Network::parse(network));
  }
  return client_address(IpAddress::parse(peer), headers, networks);
}

}  // namespace

TEST_CASE("client address: the peer, and X-Forwarded-For only from a trusted proxy") {
  CHECK(client_of("198.51.100.1", {}, {}) == "198.51.100.1");
  CHECK(client_of("198.51.100.1", {"203.0.113.7"}, {}) == "198.51.100.1");
  // A peer that is not trusted is the client, whatever it says.
  CHECK(client_of("198.51.100.1", {"203.0.113.7"}, {"10.0.0.0/8"}) == "198.51.100.1");
  CHECK(client_of("10.1.2.3", {"203.0.113.7"}, {"10.0.0.0/8"}) == "203.0.113.7");
  // A trusted peer without the header is the client.
  CHECK(client_of("10.1.2.3", {}, {"10.0.0.0/8"}) == "10.1.2.3");
  CHECK(client_of("::ffff:10.1.2.3", {}, {"10.0.0.0/8"}) == "10.1.2.3");
  CHECK(client_of("", {}, {}) == "");  // not an IP socket
}

TEST_CASE("client address: X-Forwarded-For is read from the right, trusted hops skipped") {
  const std::vector<std::string> trusted = {"10.0.0.0/8", "2001:db8:ffff::/48"};
  // What the client wrote at the left is never believed when an untrusted hop follows it.
  CHECK(client_of("10.0.0.1", {"192.0.2.66, 203.0.113.7"}, trusted) == "203.0.113.7");
  CHECK(client_of("10.0.0.1", {"192.0.2.66, 203.0.113.7, 10.9.9.9"}, trusted) == "203.0.113.7");
  // Several fields are one list, in the order sent.
  CHECK(client_of("10.0.0.1", {"192.0.2.66", "203.0.113.7", "10.9.9.9"}, trusted) ==
        "203.0.113.7");
  CHECK(client_of("10.0.0.1", {" 203.0.113.7 ,, 10.9.9.9 "}, trusted) == "203.0.113.7");
  // Every hop trusted: the leftmost.
  CHECK(client_of("10.0.0.1", {"10.3.3.3, 10.9.9.9"}, trusted) == "10.3.3.3");
  // IPv6, and IPv4 written as mapped IPv6.
  CHECK(client_of("2001:db8:ffff::1", {"2001:DB8::7"}, trusted) == "2001:db8::7");
  CHECK(client_of("10.0.0.1", {"203.0.113.7, 2001:db8:ffff::2"}, trusted) == "203.0.113.7");
  CHECK(client_of("10.0.0.1", {"::ffff:203.0.113.7"}, trusted) == "203.0.113.7");
  // An element that is not an address ends the walk at the last trusted hop.
  CHECK(client_of("10.0.0.1", {"203.0.113.7, unknown"}, trusted) == "10.0.0.1");
  CHECK(client_of("10.0.0.1", {"203.0.113.7, 10.9.9.9, 198.51.100.1:443"}, trusted) ==
        "10.0.0.1");
  CHECK(client_of("10.0.0.1", {"203.0.113.7, [2001:db8::7], 10.9.9.9"}, trusted) == "10.9.9.9");
}
