#include "core/wire/translate/translation.h"

#include "core/wire/translate/answer_to_chat.h"
#include "core/wire/translate/answer_to_messages.h"
#include "core/wire/translate/answer_to_responses.h"
#include "core/wire/translate/chained_translation.h"
#include "core/wire/translate/chat_stream_to_messages.h"
#include "core/wire/translate/chat_stream_to_responses.h"
#include "core/wire/translate/messages_stream_to_chat.h"

namespace llmgw {

bool translates(Endpoint endpoint, const Provider& provider) {
  switch (endpoint) {
    case Endpoint::chat:
      return provider.kind == ProviderKind::anthropic;
    case Endpoint::messages:
      return provider.kind == ProviderKind::openai;
    case Endpoint::responses:
      return provider.kind != ProviderKind::openai || !provider.responses;
    case Endpoint::embeddings:
    case Endpoint::count_tokens:
      break;
  }
  return false;
}

std::unique_ptr<StreamTranslation> stream_translation(Endpoint endpoint, const Provider& provider,
                                                      const TranslatedAnswer& answer) {
  if (!translates(endpoint, provider)) {
    return nullptr;
  }
  if (endpoint == Endpoint::chat) {
    return std::make_unique<MessagesStreamToChat>(answer.created, answer.include_usage);
  }
  if (endpoint == Endpoint::messages) {
    return std::make_unique<ChatStreamToMessages>();
  }
  auto responses = std::make_unique<ChatStreamToResponses>(answer.response_id, answer.created,
                                                           answer.tool_namespaces);
  if (provider.kind == ProviderKind::openai) {
    return responses;
  }
  return std::make_unique<ChainedTranslation>(
      std::make_unique<MessagesStreamToChat>(answer.created, true), std::move(responses));
}

std::optional<std::string> translated_answer(Endpoint endpoint, const Provider& provider,
                                             std::string_view answer,
                                             const TranslatedAnswer& shown) {
  if (endpoint == Endpoint::chat) {
    return chat_answer_from_messages(answer, shown.created);
  }
  if (endpoint == Endpoint::messages) {
    return messages_answer_from_chat(answer);
  }
  if (provider.kind == ProviderKind::openai) {
    return responses_answer_from_chat(answer, shown.response_id, shown.created,
                                      shown.tool_namespaces);
  }
  std::optional<std::string> chat = chat_answer_from_messages(answer, shown.created);
  return chat ? responses_answer_from_chat(*chat, shown.response_id, shown.created,
                                           shown.tool_namespaces)
              : chat;
}

}  // namespace llmgw
