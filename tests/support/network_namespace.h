#pragma once
// A test that runs a real client which could reach the internet (an agent) first moves
// itself into a network namespace of its own, where only loopback exists: the daemon, the
// mock upstreams and the client it starts afterwards inherit it, and nothing they do can
// leave the machine. Needs root (CAP_SYS_ADMIN), as CI has.
#include <string>

namespace test {

// Moves the calling thread, and every thread and process it starts from now on, into a
// new network namespace with loopback up. Returns "" on success, else why it failed.
std::string isolate_network();

}  // namespace test
