#pragma once
// A client's request body for /v1/chat/completions or /v1/embeddings: parsed once, checked,
// and rewritten for the upstream. The upstream receives our own serialization of the
// parsed object, never the client's bytes, so what it sees is exactly what was authorized
// (a duplicate "model" key cannot smuggle a second model past the check).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace llmgw {

enum class Endpoint { chat, embeddings };

// Deeper JSON is refused before parsing: nlohmann/json 3.11.2 recurses when copying,
// dumping and destroying, so unbounded depth could exhaust the stack.
constexpr int k_max_json_depth = 64;

struct ClientRequest {
  Endpoint endpoint = Endpoint::chat;
  nlohmann::json body;  // a JSON object
  std::string model;
  bool stream = false;
  bool include_usage = false;              // the client asked for the usage chunk
  std::optional<std::int64_t> max_tokens;  // max_completion_tokens or max_tokens
  std::int64_t prompt_tokens_estimate = 0;
};

// Throws Error(invalid) with a message fit for a 400 answer: malformed JSON, too deep,
// not an object, `model` missing or not a non-empty string, `messages` (chat) or `input`
// (embeddings) missing or of the wrong type, `stream` not a boolean, max tokens not a
// non-negative integer.
ClientRequest parse_client_request(std::string_view text, Endpoint endpoint);

// True when no array or object in `text` nests deeper than `max_depth`. Strings are
// skipped, so brackets inside them do not count.
bool json_depth_within(std::string_view text, int max_depth);

// The body to send upstream: the client's object with `model` set to `upstream_model`,
// and, when streaming, stream_options.include_usage forced on. Edits `request.body` in
// place (no copy); `request.model` keeps the model the client asked for.
std::string upstream_body(ClientRequest& request, std::string_view upstream_model);

// A rough token count for text: one token per 4 bytes, rounded up.
std::int64_t estimate_tokens(std::size_t bytes);

}  // namespace llmgw
