#pragma once
// Relays an upstream's server-sent events to the client as they arrive, event by event,
// as they come or, where the client speaks the other API, translated
// (core/wire/translate/stream_translation.h): usage and the end are read in the provider's
// vocabulary, and the client is sent its own.
// A chat stream's usage comes from the upstream's usage chunk, which is dropped again when
// the client did not ask for it; a Messages stream's (Anthropic's) from message_start and
// the message_delta events (core/wire/anthropic_usage.h); a Responses stream's (OpenAI's) from
// the event that ends the response (core/wire/responses_answer.h). Without one, tokens are
// estimated and the record says so. The usage is committed before the client sees the end
// of the stream: the upstream's `data: [DONE]` (chat), message_stop event (Messages) or
// response.completed, .incomplete or .failed event (Responses) is held until the upstream
// has ended and the usage is recorded.
//
// Every relayed event is redacted: every fragment of the provider's credential becomes
// "[redacted]" (SecretFragments), and an error-like event (is_error_like) is rebuilt by
// redacted_error_event.
//
// A client that goes away is billed what the provider bills: the upstream is read on,
// without relaying, for its usage chunk, for at most k_read_on_time in all and
// k_read_on_bytes, and not once the daemon aborts its streams; then the upstream
// connection is closed. Without the usage of a stream that ended by then, the request is
// billed its cost bound on the served mapping (or the tokens seen, where they cost more),
// flagged estimated.
//
// No upstream answer makes these throw: a usage whose cost Money cannot hold ends the
// stream without [DONE] and is logged 502 upstream_error, billed the cost bound, estimated.
#include "core/wire/anthropic_usage.h"
#include "core/catalog.h"
#include "core/wire/client_request.h"
#include "core/money.h"
#include "core/redact.h"
#include "core/wire/sse.h"
#include "core/wire/token_usage.h"
#include "core/wire/translate/stream_translation.h"
#include "daemon/exchange.h"
#include "daemon/upstream/upstream_pool.h"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <memory>

namespace llmgw::daemon {

class StreamRelay {
public:
  // The bounds of reading on after the client left (see above).
  static constexpr std::chrono::seconds k_read_on_time{30};
  static constexpr std::size_t k_read_on_bytes = 8 << 20;

  // Throws Error(invalid) when the request's cost bound on `mapping` is more than Money
  // holds (admission computed it already).
  StreamRelay(std::shared_ptr<Exchange> exchange, std::unique_ptr<UpstreamResponse> upstream,
              std::shared_ptr<const Catalog> catalog, const Mapping& mapping,
              const ClientRequest& request, std::unique_ptr<StreamTranslation> translation,
              const std::atomic<bool>& aborting);
  // Settles, without reading on, a stream nobody pumped or released to its end.
  ~StreamRelay();
  StreamRelay(const StreamRelay&) = delete;
  StreamRelay& operator=(const StreamRelay&) = delete;

  // One step of the response's streamed body (its producer): relays the next upstream piece.
  // Returns false to end the response early (client gone, upstream failed, aborting).
  // Throws nothing.
  bool pump(httplib::DataSink& sink);
  // The response is done with the stream (its releaser, on the client's fiber): a stream
  // not settled yet lost its client before its end (before the first piece, most often),
  // and is settled as above. Throws nothing.
  void release();

private:
  // How a stream that did not end the ordinary way is billed without the upstream's last
  // usage: for what was relayed (the upstream cut it short), or at least its cost bound
  // (the client left, or llmgw gave up on the upstream).
  enum class WithoutUsage { relayed, bound };

  bool pump_events(httplib::DataSink& sink);
  // Reads a chunk's usage and delta bytes; its members, nullopt when the data is not a
  // JSON object.
  std::optional<std::vector<JsonMember>> inspect(const SseEvent& event);
  bool relay(const SseEvent& event, httplib::DataSink& sink);
  // Writes `out` with the credential masked; "" writes nothing. False when the client is gone.
  bool write(std::string_view out, httplib::DataSink& sink);
  // Whether `event` ends the stream ([DONE], or message_stop), and holding the end back.
  bool is_end(const SseEvent& event) const;
  void hold_end();
  // The upstream's stream is whole: records the usage, then sends [DONE] and the end.
  // False when the usage could not be billed: the stream ends without [DONE].
  bool end(httplib::DataSink& sink);
  // The client left: reads on for the usage (from m_events[next_event], then within the
  // bounds), then settles. Throws nothing.
  void abandon(std::size_t next_event);
  // Throws UpstreamError, Error(invalid) from the splitter.
  void read_on_for_usage();
  // Records the usage and commits it; `status` and `code` describe how the stream ended.
  // False when the upstream's usage has a cost Money cannot hold: then the record says
  // 502 upstream_error with the cost bound, estimated. Throws nothing.
  bool finish(int status, std::string code, Flag cancelled, WithoutUsage without);
  bool record_usage(Flag cancelled, WithoutUsage without);
  // The usage seen reports what the provider bills beside the tokens: server tools or
  // extra iterations (Messages), a call of a tool the provider runs (Responses).
  bool unpriced() const;

  std::shared_ptr<Exchange> m_exchange;
  std::unique_ptr<UpstreamResponse> m_upstream;
  std::shared_ptr<const Catalog> m_catalog;  // keeps m_mapping and m_provider alive
  const Mapping& m_mapping;
  const Provider& m_provider;
  SecretFragments m_credential;
  // The API of the provider's stream: chat completions, Anthropic's Messages, or OpenAI's
  // Responses (relayed as it comes).
  enum class Wire { chat, messages, responses };
  Wire m_wire;
  bool m_client_messages;  // the client's is a Messages stream
  bool m_include_usage;
  std::unique_ptr<StreamTranslation> m_translation;  // nullptr when relayed as it comes
  std::int64_t m_prompt_estimate;
  Money m_cost_bound;
  std::optional<std::int64_t> m_output_bound;  // output_tokens_bound()
  const std::atomic<bool>& m_aborting;
  SseSplitter m_splitter;
  std::vector<SseEvent> m_events;
  std::string m_piece;
  std::optional<TokenUsage> m_usage;
  AnthropicUsage m_anthropic_usage;  // of a Messages stream, read so far
  bool m_provider_tools = false;     // a Responses stream's end reports a provider tool call
  std::size_t m_delta_bytes = 0;  // of the choices' deltas as written
  bool m_first_content_seen = false;
  bool m_finished = false;
  bool m_upstream_ended = false;  // reading on reached the end of the upstream's body
  std::string m_done_event;  // set when the upstream's end came: held back for the end
};

}  // namespace llmgw::daemon
