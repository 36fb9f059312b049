#include "daemon/stream_relay.h"

#include "core/wire/cost_bound.h"
#include "core/error.h"
#include "core/wire/responses_answer.h"
#include "core/wire/translate/translation.h"
#include "daemon/metrics.h"
#include "daemon/runtime/event_log.h"
#include "daemon/stream_delta_bytes.h"
#include "daemon/upstream_reply.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace llmgw::daemon {

namespace {

bool is_usage_only(const std::vector<JsonMember>& chunk) {
  const JsonMember* choices = find_member(chunk, "choices");
  const JsonMember* usage = find_member(chunk, "usage");
  return usage != nullptr && usage->value.kind == JsonKind::object &&
         (choices == nullptr ||
          (choices->value.kind == JsonKind::array && json_elements(choices->value).empty()));
}

// How often reading on after the client left looks whether the daemon aborts its streams.
constexpr std::chrono::milliseconds k_abort_check{250};

void log_relay_failure(const char* what) {
  log_event(LogLevel::error, "stream_relay_failed", {{"error", what}});
}

}  // namespace

StreamRelay::StreamRelay(std::shared_ptr<Exchange> exchange,
                         std::unique_ptr<UpstreamResponse> upstream,
                         std::shared_ptr<const Catalog> catalog, const Mapping& mapping,
                         const ClientRequest& request,
                         std::unique_ptr<StreamTranslation> translation,
                         const std::atomic<bool>& aborting)
    : m_exchange(std::move(exchange)),
      m_upstream(std::move(upstream)),
      m_catalog(std::move(catalog)),
      m_mapping(mapping),
      m_provider(*m_catalog->find_provider(mapping.provider)),
      m_credential(echoable_secrets(m_provider)),
      m_wire(request.endpoint == Endpoint::responses && !translates(request.endpoint, m_provider)
                 ? Wire::responses
             : m_provider.kind == ProviderKind::anthropic ? Wire::messages
                                                          : Wire::chat),
      m_client_messages(request.endpoint == Endpoint::messages),
      m_include_usage(request.include_usage),
      m_translation(std::move(translation)),
      m_prompt_estimate(request.prompt_tokens_estimate),
      m_cost_bound(cost_bound(request, mapping)),
      m_output_bound(output_tokens_bound(request, mapping)),
      m_aborting(aborting) {}

StreamRelay::~StreamRelay() {
  if (!m_finished) {
    finish(499, "client_closed_request", Flag::yes, WithoutUsage::bound);
  }
}

bool StreamRelay::pump(httplib::DataSink& sink) {
  try {
    return pump_events(sink);
  } catch (const std::exception& e) {
    log_relay_failure(e.what());
  } catch (...) {
    log_relay_failure("unknown");
  }
  if (!m_finished) {
    finish(502, "upstream_error", Flag::no, WithoutUsage::bound);
  }
  return false;
}

void StreamRelay::release() {
  if (!m_finished) {
    abandon(m_events.size());
  }
}

bool StreamRelay::pump_events(httplib::DataSink& sink) {
  if (m_aborting) {
    finish(200, "drain_deadline", Flag::yes, WithoutUsage::relayed);
    return false;
  }
  m_piece.clear();
  m_events.clear();
  bool more = false;
  try {
    more = m_upstream->read_some(m_piece);
    m_splitter.feed(m_piece, m_events);
  } catch (const std::exception& e) {
    if (!m_done_event.empty()) {
      return end(sink);  // the stream was whole; only the upstream's end of the body went wrong
    }
    // The upstream failed mid-stream: the client already has a 200, so the stream just
    // ends. Where the upstream closed it, what was relayed is billed; where llmgw gave up
    // (a stall past the read timeout, an event too large, broken framing), the provider
    // may run on to the end, and the cost bound is billed.
    const auto* failure = dynamic_cast<const UpstreamError*>(&e);
    // Not an UpstreamError: the splitter found the event stream broken.
    m_exchange->metrics().upstream_error(
        m_provider.id, failure != nullptr ? to_string(failure->failure()) : "protocol");
    finish(200, "upstream_interrupted", Flag::no,
           failure != nullptr && !failure->answer_given_up() ? WithoutUsage::relayed
                                                              : WithoutUsage::bound);
    return false;
  }
  for (std::size_t i = 0; i < m_events.size(); ++i) {
    const SseEvent& event = m_events[i];
    if (!m_done_event.empty()) {
      break;  // nothing follows the end of the stream
    }
    if (is_end(event)) {
      const std::string closing = m_translation ? m_translation->close() : std::string();
      hold_end();  // after close(): a Responses end event holds every item
      if (!closing.empty() && !write(closing, sink)) {
        abandon(i + 1);
        return false;
      }
      continue;
    }
    if (!relay(event, sink)) {
      abandon(i + 1);
      return false;
    }
  }
  if (!more) {
    return end(sink);
  }
  return true;
}

bool StreamRelay::end(httplib::DataSink& sink) {
  if (!finish(200, "", Flag::no, WithoutUsage::relayed)) {
    return false;  // the client sees a stream cut short: there is no usage to end it with
  }
  // After finish(): the end of the stream waits for the usage commit.
  if (!m_done_event.empty()) {
    sink.write(m_done_event.data(), m_done_event.size());
  }
  sink.done();
  return true;
}

std::optional<std::vector<JsonMember>> StreamRelay::inspect(const SseEvent& event) {
  if (event.data.empty() || event.data.front() != '{') {
    return std::nullopt;
  }
  auto chunk = json_object_members(event.data, k_max_response_depth);
  if (!chunk) {
    return chunk;
  }
  DeltaBytes bytes;
  if (m_wire == Wire::messages) {
    // Every event may change it: a count that is not valid leaves no usage at all.
    m_anthropic_usage.add_from(*chunk);
    m_usage = m_anthropic_usage.total();
    bytes = messages_delta_bytes(*chunk);
  } else if (m_wire == Wire::responses) {
    std::string& id = m_exchange->record().response_id;
    if (id.empty()) {
      id = event_response_id(*chunk);  // the key that made it may continue it
    }
    const std::string type = response_event_type(*chunk);  // decoded once per event
    if (ends_response(type)) {
      // The usage is in the event that ends the response, which is the end of the stream:
      // held back, as the provider wrote it, until the usage is committed.
      m_usage = response_end_usage(*chunk);
      m_provider_tools = event_has_provider_tool_call(*chunk);
      if (is_error_like(event, chunk)) {
        m_done_event = redacted_error_event(m_provider, event);  // as any error event is
      } else {
        std::optional<std::string> masked = m_credential.masked(event.raw);
        m_done_event = masked ? std::move(*masked) : std::string(event.raw);
      }
    }
    bytes = responses_delta_bytes(*chunk, type);
  } else {
    if (auto usage = usage_among(*chunk)) {
      m_usage = usage;
    }
    bytes = delta_bytes(*chunk);
  }
  m_delta_bytes += bytes.written;
  if (bytes.text > 0 && !m_first_content_seen) {
    m_first_content_seen = true;
    m_exchange->record().ttft_ms = m_exchange->elapsed_ms();
  }
  return chunk;
}

bool StreamRelay::is_end(const SseEvent& event) const {
  // A Responses stream ends with the event that ends the response (inspect()); a [DONE]
  // without one ends it too.
  return m_wire == Wire::messages ? event.type == "message_stop" : event.data == "[DONE]";
}

void StreamRelay::hold_end() {
  // As the API writes it, not the upstream's raw lines: an id or comment could echo
  // anything.
  m_done_event = m_translation      ? m_translation->end_event()
                 : m_client_messages ? std::string(k_message_stop_event)
                                     : std::string(k_chat_done_event);
  // A translated end may repeat the text of many deltas whole (a Responses stream's
  // response.completed): a credential split among them shows there.
  if (auto masked = m_credential.masked(m_done_event)) {
    m_done_event = std::move(*masked);
  }
}

bool StreamRelay::relay(const SseEvent& event, httplib::DataSink& sink) {
  auto chunk = inspect(event);
  if (!m_done_event.empty()) {
    return true;  // the end of a Responses stream, held back
  }
  if (m_translation) {
    if (event.data.empty()) {
      return write(m_translation->keep_alive(), sink);
    }
    if (is_error_like(event, chunk)) {
      return write(m_translation->error(redacted_event_data(m_provider, event)), sink);
    }
    return write(m_translation->event(event), sink);
  }
  if (chunk && m_wire == Wire::chat && !m_include_usage && is_usage_only(*chunk)) {
    return true;  // forced upstream for billing; the client did not ask for it
  }
  if (is_error_like(event, chunk)) {  // rare: the event is rebuilt
    return write(redacted_error_event(m_provider, event), sink);
  }
  return write(event.raw, sink);
}

bool StreamRelay::write(std::string_view out, httplib::DataSink& sink) {
  if (out.empty()) {
    return true;
  }
  if (auto masked = m_credential.masked(out)) {
    return sink.write(masked->data(), masked->size());
  }
  return sink.write(out.data(), out.size());
}

void StreamRelay::abandon(std::size_t next_event) {
  try {
    // Events already read past the one that could not be sent may hold the usage.
    for (std::size_t i = next_event; i < m_events.size() && m_done_event.empty(); ++i) {
      if (is_end(m_events[i])) {
        hold_end();
      } else {
        inspect(m_events[i]);
      }
    }
    read_on_for_usage();
  } catch (...) {
    // The upstream failed, or sent what is no stream: no usage is coming.
  }
  finish(499, "client_closed_request", Flag::yes, WithoutUsage::bound);
}

void StreamRelay::read_on_for_usage() {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + k_read_on_time;
  m_upstream->end_waits_by(deadline);
  const auto read_timeout = m_upstream->read_timeout();
  auto last_bytes = Clock::now();
  std::size_t read = 0;
  bool more = true;
  // To the end, not to the first usage: a provider may send running totals.
  while (more && m_done_event.empty() && read < k_read_on_bytes && !m_aborting) {
    auto now = Clock::now();
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::min(deadline, last_bytes + read_timeout) - now);
    if (left.count() <= 0) {
      return;  // past the bound, or the upstream has been silent for the read timeout
    }
    // Waits in short steps, so that a daemon past its drain deadline is not held up.
    if (!m_upstream->await_body(std::min(left, k_abort_check))) {
      continue;
    }
    last_bytes = Clock::now();
    m_piece.clear();
    m_events.clear();
    more = m_upstream->read_some(m_piece);
    m_upstream_ended = !more;
    read += m_piece.size();
    m_splitter.feed(m_piece, m_events);
    for (const SseEvent& event : m_events) {
      if (is_end(event)) {
        hold_end();
        break;
      }
      inspect(event);
      if (!m_done_event.empty()) {
        break;  // the event that ended a Responses stream: nothing after it counts
      }
    }
  }
}

bool StreamRelay::unpriced() const {
  return m_anthropic_usage.has_unpriced() || m_provider_tools;
}

bool StreamRelay::record_usage(Flag cancelled, WithoutUsage without) {
  UsageRecord& record = m_exchange->record();
  record.cancelled = cancelled;
  // Never less than the provider bills: the prompt bound, and a token for each byte of
  // the deltas as written, which hold the generated text, tool calls and all, up to the
  // most output the request can be billed.
  const TokenUsage estimate{m_prompt_estimate,
                            estimated_output(m_delta_bytes, m_output_bound), 0};
  auto set = [&](const TokenUsage& usage, Money cost, Flag estimated) {
    record_tokens(record, usage);
    record.cost = cost;
    record.estimated = estimated;
  };
  try {
    // A usage is the provider's last word once its stream ended, or where it cut a chat
    // stream short; a Messages stream's counts are running totals until its message_stop.
    // A Messages stream's counts are the last word only once a message_delta gave the
    // output before its message_stop.
    const bool messages = m_wire == Wire::messages;
    const bool ended = messages ? !m_done_event.empty() && m_anthropic_usage.output_final()
                                : !m_done_event.empty() || m_upstream_ended;
    if (m_usage && (ended || (without == WithoutUsage::relayed && !messages))) {
      if (unpriced()) {
        // Server tools or extra iterations, billed besides the tokens: at least the bound.
        set(*m_usage, std::max(cost_of(m_mapping, *m_usage), m_cost_bound), Flag::yes);
      } else {
        set(*m_usage, cost_of(m_mapping, *m_usage), Flag::no);
      }
    } else if (without == WithoutUsage::relayed) {
      // Cut short: the prompt as reported (or its bound), and at least the output relayed.
      TokenUsage seen = m_usage ? *m_usage : estimate;
      seen.completion = std::max(seen.completion, estimate.completion);
      const Money cost = cost_of(m_mapping, seen);
      set(seen, unpriced() ? std::max(cost, m_cost_bound) : cost,
          Flag::yes);
    } else {
      // The provider may run on past what llmgw saw (a usage seen may be a running
      // total): the cost bound, or what was seen where that costs more (an output with
      // no bound).
      const TokenUsage& seen = m_usage ? *m_usage : estimate;
      set(seen, std::max(cost_of(m_mapping, seen), m_cost_bound), Flag::yes);
    }
    return true;
  } catch (const Error&) {
    // Counts whose cost Money cannot hold are no usage: the most the request could cost.
    set(estimate, m_cost_bound, Flag::yes);
    return false;
  }
}

bool StreamRelay::finish(int status, std::string code, Flag cancelled, WithoutUsage without) {
  m_finished = true;
  bool billed = false;
  try {
    billed = record_usage(cancelled, without);
    if (!billed) {
      status = 502;
      code = "upstream_error";
    }
    m_upstream.reset();  // closes the upstream connection at once when it did not end cleanly
    m_exchange->finish(status, code);
  } catch (const std::exception& e) {
    log_relay_failure(e.what());
  } catch (...) {
    log_relay_failure("unknown");
  }
  return billed;
}

}  // namespace llmgw::daemon
