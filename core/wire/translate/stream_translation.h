#pragma once
// A provider's stream of server-sent events rewritten, event by event, in the other API's
// event vocabulary (core/wire/translate/messages_stream_to_chat.h,
// core/wire/translate/chat_stream_to_messages.h). Each is a small state machine: it is fed
// the provider's events in order and returns the client's, "" where one makes none. The
// provider's own end event ([DONE], message_stop) is not fed: the relay holds the
// client's end event (end_event()) until the usage is committed, and close() gives what
// comes before it.
#include "core/wire/sse.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace llmgw {

// The end of a chat stream and of a Messages stream, as llmgw writes them.
constexpr std::string_view k_chat_done_event = "data: [DONE]\n\n";
constexpr std::string_view k_message_stop_event =
    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

class StreamTranslation {
public:
  virtual ~StreamTranslation() = default;
  // An event of the provider's whose data is a JSON object without an "error" member.
  virtual std::string event(const SseEvent& event) = 0;
  // An event of the provider's that carries no data (a comment kept alive).
  virtual std::string keep_alive() = 0;
  // An error event of the provider's, its data already redacted: a JSON document (the
  // error's message and type are read from it, or from its "error" member) or a text.
  virtual std::string error(const nlohmann::json& redacted) = 0;
  // The provider's stream ended: the client's events before its end event.
  virtual std::string close() = 0;
  // The client's end event, once close() gave what comes before it.
  virtual std::string end_event() = 0;
};

// The message and type of a redacted error document, as both APIs carry them; type
// "api_error" when it names none.
struct StreamError {
  std::string message;
  std::string type;
};
StreamError stream_error(const nlohmann::json& redacted);

}  // namespace llmgw
