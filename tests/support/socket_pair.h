#pragma once
#include <string>
#include <string_view>

namespace test {

// A connected pair of stream sockets (AF_UNIX), closed at the end of the test: `gateway` is
// the side the daemon's code uses, `client` the peer. A test may close either end early
// (or put another socket in its place) and set the member accordingly; -1 is not closed.
struct SocketPair {
  int gateway = -1;
  int client = -1;
  SocketPair();
  ~SocketPair();
  SocketPair(const SocketPair&) = delete;
  SocketPair& operator=(const SocketPair&) = delete;

  // What the client can read within `wait_ms` (all of it once something arrived).
  std::string receive(int wait_ms) const;
  // Sends `bytes` from the client, whole.
  void send(std::string_view bytes) const;
};

}  // namespace test
