#pragma once
// A key's books, to check that every request was settled: the daemon's account of the key
// (GET /v1/key) beside what the database holds (the key's row and its request-log rows).
#include "tests/gateway/gateway_fixture.h"

#include <nlohmann/json.hpp>

#include <cstdint>

namespace test {

// As GET /v1/key reports them, in USD: "reserved", "usage", "period_usage"; as the
// database holds them, in picodollars: "stored_usage", "stored_period_usage" (api_keys)
// and "logged" (the sum of the costs in the key's request-log rows).
// REQUIRES: a running daemon; a key with a period limit whose current window has seen all
// of its requests, so that its period usage is the sum of its logged costs too.
nlohmann::json books_of(GatewayUnderTest& gw, const TestKey& key);

// The books of a key with nothing in flight whose logged costs sum to `logged`.
nlohmann::json settled_books(std::int64_t logged);

}  // namespace test
