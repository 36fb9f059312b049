#pragma once
// Requests written by hand on a raw socket, and what comes back on it, for the tests of
// HTTP at its edges (http_edge_test.cc, connection_end_test.cc).
#include "tests/gateway/gateway_fixture.h"

#include <string>

namespace test {

extern const std::string k_chat;  // the chat completions path

// The status and JSON body of the response that `bytes` starts with.
Reply reply_in(const std::string& bytes);

// A request head: the request line, Host, `headers` (each ending in CRLF), the blank line.
std::string head(const std::string& method, const std::string& target, const std::string& headers = "");

// The head of a chat request of `key` with a body of `length` bytes that waits for the
// daemon's invitation (Expect: 100-continue) before sending it.
std::string expecting_chat_head(const TestKey& key, std::size_t length);

// What a client gets that sent `request` on a new connection and read until it was
// closed: exactly one answer, `expected`, saying Connection: close.
void check_one_answer_then_closed(GatewayUnderTest& gw, const std::string& request,
                                  const Reply& expected);

}  // namespace test
