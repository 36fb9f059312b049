#pragma once
// Which requests are translated: a chat request to an Anthropic-kind provider, a Messages
// request to an OpenAI-kind one, and a Responses request to any provider that does not
// serve the Responses API (to chat; for an Anthropic-kind provider on to Messages).
// Everything else goes to a provider in its own API.
#include "core/catalog.h"
#include "core/wire/client_request.h"
#include "core/wire/translate/stream_translation.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw {

bool translates(Endpoint endpoint, const Provider& provider);

// What a translated stream or answer says of itself: `created` is the Unix time in seconds
// (a chat chunk's, a response's created_at); `response_id` the id a Responses client is
// given, and `tool_namespaces` those of its request's namespace tools; `include_usage`
// whether a chat client asked for the usage chunk.
struct TranslatedAnswer {
  std::int64_t created = 0;
  std::string response_id;
  std::vector<std::string> tool_namespaces;
  bool include_usage = false;
};

// The translation of `provider`'s stream for a client of `endpoint`, nullptr when there is
// none to make.
std::unique_ptr<StreamTranslation> stream_translation(Endpoint endpoint, const Provider& provider,
                                                      const TranslatedAnswer& answer);

// `provider`'s whole answer translated for a client of `endpoint` (only where translates()
// says so); nullopt when it holds no completion to translate.
std::optional<std::string> translated_answer(Endpoint endpoint, const Provider& provider,
                                             std::string_view answer,
                                             const TranslatedAnswer& shown);

}  // namespace llmgw
