#include "core/translate/translation.h"

#include "core/translate/chat_stream_to_messages.h"
#include "core/translate/messages_stream_to_chat.h"

namespace llmgw {

bool translates(Endpoint endpoint, ProviderKind kind) {
  return (endpoint == Endpoint::chat && kind == ProviderKind::anthropic) ||
         (endpoint == Endpoint::messages && kind == ProviderKind::openai);
}

std::unique_ptr<StreamTranslation> stream_translation(Endpoint endpoint, ProviderKind kind,
                                                      std::int64_t created, bool include_usage) {
  if (!translates(endpoint, kind)) {
    return nullptr;
  }
  if (endpoint == Endpoint::chat) {
    return std::make_unique<MessagesStreamToChat>(created, include_usage);
  }
  return std::make_unique<ChatStreamToMessages>();
}

}  // namespace llmgw
