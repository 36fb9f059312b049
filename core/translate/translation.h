#pragma once
// Which requests are translated: a chat request to an Anthropic-kind provider, and a
// Messages request to an OpenAI-kind one. Everything else goes to a provider in its own API.
#include "core/catalog.h"
#include "core/client_request.h"
#include "core/translate/stream_translation.h"

#include <cstdint>
#include <memory>

namespace llmgw {

bool translates(Endpoint endpoint, ProviderKind kind);

// The translation of a provider of `kind`'s stream for a client of `endpoint`, nullptr
// when there is none to make. `created` is the Unix time in seconds a chat stream's chunks
// carry; `include_usage` whether a chat client asked for the usage chunk.
std::unique_ptr<StreamTranslation> stream_translation(Endpoint endpoint, ProviderKind kind,
                                                      std::int64_t created, bool include_usage);

}  // namespace llmgw
