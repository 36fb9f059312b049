#pragma once
// The daemon's listening TCP socket. SO_REUSEADDR lets a restarted daemon bind while the
// old one's connections linger; SO_REUSEPORT is never set, since it would let a second
// daemon bind the same port and silently take half the connections. The backlog is the
// system's maximum (SOMAXCONN), so that a burst of connections waits to be accepted
// instead of being reset.
#include <optional>
#include <string>

namespace llmgw::daemon {

struct Listener {
  int socket = -1;
  int port = 0;  // as bound: the kernel's choice when 0 was asked for
};

// Listens on `host` (a name or an address: the first of its addresses that binds; an IPv6
// one takes IPv4 connections too) and `port` (0: any free port). nullopt, with errno set,
// when no address of `host` can be bound and listened on.
std::optional<Listener> listen_tcp(const std::string& host, int port);

}  // namespace llmgw::daemon
