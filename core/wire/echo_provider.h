#pragma once
// The built-in `echo` provider: answers locally, with no network and no credentials, by
// echoing the last user message. For demos, CI pipelines and smoke tests of a deployment.
// Its answers have the exact shape of an OpenAI-compatible upstream's, usage included, or
// on the Messages endpoint of Anthropic's, or on the Responses endpoint of OpenAI's
// Responses API.
#include "core/wire/client_request.h"

#include <cstdint>
#include <string>
#include <vector>

namespace llmgw {

constexpr std::string_view k_echo_provider = "echo";

struct EchoAnswer {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::string body;                 // the JSON document, when not streaming
  std::vector<std::string> events;  // the SSE events ("data: ...\n\n"), when streaming
};

// `created` is the Unix time in seconds the answer carries; `id` its completion or
// message id. A chat stream carries the usage chunk only when the client asked for it,
// then "data: [DONE]"; a Messages stream ends with its message_stop event, a Responses
// one with its response.completed event.
EchoAnswer echo_answer(const ClientRequest& request, const std::string& id, std::int64_t created);

}  // namespace llmgw
