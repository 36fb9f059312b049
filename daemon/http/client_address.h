#pragma once
// The address of the client a request comes from: the socket's peer, unless the peer is
// one of the trusted proxies (`llmgw serve --trusted-proxy`). Then X-Forwarded-For (all
// its fields, in the order sent, as one list; empty elements skipped) is read from its
// right end, where the trusted proxy wrote: each trusted address is a hop skipped, and
// the first address that is not trusted is the client's. An element that is not an
// address (with a port, in brackets, "unknown") ends the walk at the last trusted hop,
// which is then taken as the client: nothing written to the left of an element no
// trusted proxy would write is believed. Without trusted proxies the header is ignored.
#include "core/address.h"

#include <httplib.h>

#include <optional>
#include <string>
#include <vector>

namespace llmgw::daemon {

// The client's address as IpAddress::to_string() writes it; "" when the peer is not an
// IP socket's (a socket pair in tests).
std::string client_address(const std::optional<IpAddress>& peer, const httplib::Headers& headers,
                           const std::vector<Network>& trusted_proxies);

}  // namespace llmgw::daemon
