#pragma once
// What a provider bills beyond a request's messages, as the README's prompt bound counts
// it, computed independently of llmgw: the bytes of the members, tools with their
// tool-use allowance, image parts at their worst case (reservation_bound_test.cc,
// honest_budget_test.cc).
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>

namespace test {

constexpr std::int64_t k_tool_use_tokens = 1000;
constexpr std::int64_t k_image_tokens = 50000;

// The bytes of `body`'s members but model, stream and stream_options as body.dump()
// writes them, each with its key, colon and a separator: a token a byte.
std::int64_t member_bytes(nlohmann::json body);

// Function tools whose JSON holds at least `bytes` bytes.
nlohmann::json tools_of(std::size_t bytes);

// A user message asking about `images` image_url parts (detail high).
nlohmann::json message_with_images(int images);

}  // namespace test
