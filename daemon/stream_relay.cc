#include "daemon/stream_relay.h"

#include "daemon/upstream_reply.h"

#include <nlohmann/json.hpp>

namespace llmgw::daemon {

namespace {

// The text bytes a chunk carries, for estimating completion tokens without usage.
std::size_t delta_bytes(const std::vector<JsonMember>& chunk) {
  const JsonMember* choices = find_member(chunk, "choices");
  if (choices == nullptr || choices->value.kind != JsonKind::array) {
    return 0;
  }
  std::size_t bytes = 0;
  for (const JsonSlice& choice : json_elements(choices->value)) {
    if (choice.kind != JsonKind::object) {
      continue;
    }
    const auto choice_members = last_of_each_key(json_members(choice));
    const JsonMember* delta = find_member(choice_members, "delta");
    if (delta == nullptr || delta->value.kind != JsonKind::object) {
      continue;
    }
    const auto delta_members = last_of_each_key(json_members(delta->value));
    for (const char* field : {"content", "reasoning_content"}) {
      const JsonMember* text = find_member(delta_members, field);
      if (text != nullptr && text->value.kind == JsonKind::string) {
        bytes += json_string_value(text->value.text).size();
      }
    }
  }
  return bytes;
}

bool is_usage_only(const std::vector<JsonMember>& chunk) {
  const JsonMember* choices = find_member(chunk, "choices");
  const JsonMember* usage = find_member(chunk, "usage");
  return usage != nullptr && usage->value.kind == JsonKind::object &&
         (choices == nullptr ||
          (choices->value.kind == JsonKind::array && json_elements(choices->value).empty()));
}

}  // namespace

StreamRelay::StreamRelay(std::shared_ptr<Exchange> exchange,
                         std::unique_ptr<UpstreamResponse> upstream,
                         std::shared_ptr<const Catalog> catalog, const Mapping& mapping,
                         const ClientRequest& request, const std::atomic<bool>& aborting)
    : m_exchange(std::move(exchange)),
      m_upstream(std::move(upstream)),
      m_catalog(std::move(catalog)),
      m_mapping(mapping),
      m_include_usage(request.include_usage),
      m_prompt_estimate(request.prompt_tokens_estimate),
      m_aborting(aborting) {}

StreamRelay::~StreamRelay() {
  if (!m_finished) {
    finish(499, "client_closed_request", Flag::yes);
  }
}

bool StreamRelay::pump(httplib::DataSink& sink) {
  if (m_aborting) {
    finish(200, "drain_deadline", Flag::yes);
    return false;
  }
  m_piece.clear();
  bool more = false;
  try {
    more = m_upstream->read_some(m_piece);
    m_events.clear();
    m_splitter.feed(m_piece, m_events);
  } catch (const std::exception&) {
    if (!m_done_event.empty()) {
      end(sink);  // the stream was whole; only the upstream's end of the body went wrong
      return true;
    }
    // The upstream failed mid-stream: the client already has a 200, so the stream just
    // ends; what was relayed is billed.
    finish(200, "upstream_interrupted", Flag::no);
    return false;
  }
  for (const SseEvent& event : m_events) {
    if (!m_done_event.empty()) {
      break;  // nothing follows the end of the stream
    }
    if (event.data == "[DONE]") {
      m_done_event = event.raw;
      continue;
    }
    if (!relay(event, sink)) {
      finish(499, "client_closed_request", Flag::yes);
      return false;
    }
  }
  if (!more) {
    end(sink);
  }
  return true;
}

void StreamRelay::end(httplib::DataSink& sink) {
  finish(200, "", Flag::no);
  // After finish(): the end of the stream waits for the usage commit.
  if (!m_done_event.empty()) {
    sink.write(m_done_event.data(), m_done_event.size());
  }
  sink.done();
}

bool StreamRelay::relay(const SseEvent& event, httplib::DataSink& sink) {
  if (!event.data.empty() && event.data.front() == '{') {
    if (auto chunk = json_object_members(event.data, k_max_response_depth)) {
      if (auto usage = usage_among(*chunk)) {
        m_usage = usage;
      }
      std::size_t bytes = delta_bytes(*chunk);
      m_content_bytes += bytes;
      if (bytes > 0 && !m_first_content_seen) {
        m_first_content_seen = true;
        m_exchange->record().ttft_ms = m_exchange->elapsed_ms();
      }
      if (!m_include_usage && is_usage_only(*chunk)) {
        return true;  // forced upstream for billing; the client did not ask for it
      }
      if (find_member(*chunk, "error") != nullptr) {  // rare: the chunk is rebuilt
        nlohmann::json rebuilt = nlohmann::json::parse(event.data);
        auto error = rebuilt.find("error");
        *error = redacted_stream_error(*m_catalog->find_provider(m_mapping.provider), *error);
        std::string redacted = "data: " + rebuilt.dump() + "\n\n";
        return sink.write(redacted.data(), redacted.size());
      }
    }
  }
  return sink.write(event.raw.data(), event.raw.size());
}

void StreamRelay::finish(int status, const std::string& code, Flag cancelled) {
  m_finished = true;
  UsageRecord& record = m_exchange->record();
  TokenUsage usage = m_usage.value_or(TokenUsage{m_prompt_estimate,
                                                 estimate_tokens(m_content_bytes), 0});
  record.estimated = m_usage ? Flag::no : Flag::yes;
  record.cancelled = cancelled;
  record.prompt_tokens = usage.prompt;
  record.completion_tokens = usage.completion;
  record.cached_tokens = usage.cached;
  record.cost = cost_of(m_mapping, usage);
  m_upstream.reset();  // closes the upstream connection at once when it did not end cleanly
  m_exchange->finish(status, code);
}

}  // namespace llmgw::daemon
