#include "daemon/http/client_address.h"

#include "daemon/http/header_scan.h"
#include "daemon/http/http_syntax.h"

#include <algorithm>
#include <string_view>

namespace llmgw::daemon {

namespace {

bool is_trusted(const IpAddress& address, const std::vector<Network>& trusted_proxies) {
  return std::any_of(trusted_proxies.begin(), trusted_proxies.end(),
                     [&](const Network& network) { return network.contains(address); });
}

// The elements of every X-Forwarded-For field, in the order sent (empty ones skipped).
std::vector<std::string_view> forwarded_for(const httplib::Headers& headers) {
  std::vector<std::string_view> hops;
  for_each_header(headers, "X-Forwarded-For", [&](const std::string& value) {
    for_each_list_element(value, [&](std::string_view hop) { hops.push_back(hop); });
    return true;
  });
  return hops;
}

}  // namespace

std::string client_address(const std::optional<IpAddress>& peer, const httplib::Headers& headers,
                           const std::vector<Network>& trusted_proxies) {
  if (!peer) {
    return "";
  }
  IpAddress client = *peer;
  if (!is_trusted(client, trusted_proxies)) {
    return client.to_string();
  }
  const std::vector<std::string_view> hops = forwarded_for(headers);
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    const std::optional<IpAddress> address = IpAddress::parse(*hop);
    if (!address) {
      break;
    }
    client = *address;
    if (!is_trusted(client, trusted_proxies)) {
      break;
    }
  }
  return client.to_string();
}

}  // namespace llmgw::daemon
