#pragma once
// Relays an upstream's server-sent events to the client as they arrive, event by event.
// Usage comes from the upstream's usage chunk, which is dropped again when the client did
// not ask for it; without one, tokens are estimated and the record says so. The usage is
// committed before the client sees the end of the stream: the upstream's `data: [DONE]`
// is held until the upstream has ended and the usage is recorded. A client that goes away
// stops
// the upstream request (its connection is closed) and is billed for what was streamed.
#include "core/catalog.h"
#include "core/client_request.h"
#include "core/sse.h"
#include "core/token_usage.h"
#include "daemon/exchange.h"
#include "daemon/upstream_pool.h"

#include <httplib.h>

#include <atomic>
#include <memory>

namespace llmgw::daemon {

class StreamRelay {
public:
  StreamRelay(std::shared_ptr<Exchange> exchange, std::unique_ptr<UpstreamResponse> upstream,
              std::shared_ptr<const Catalog> catalog, const Mapping& mapping,
              const ClientRequest& request, const std::atomic<bool>& aborting);
  // A stream that httplib stopped pumping before its end (the client left before the first
  // piece, or the server stopped) is billed here for what was relayed, as cancelled.
  ~StreamRelay();
  StreamRelay(const StreamRelay&) = delete;
  StreamRelay& operator=(const StreamRelay&) = delete;

  // One step of the response's chunked content provider: relays the next upstream piece.
  // Returns false to end the response early (client gone, upstream failed, aborting).
  bool pump(httplib::DataSink& sink);

private:
  bool relay(const SseEvent& event, httplib::DataSink& sink);
  // The upstream's stream is whole: records the usage, then sends [DONE] and the end.
  void end(httplib::DataSink& sink);
  // Records the usage and commits it; `status` and `code` describe how the stream ended.
  void finish(int status, const std::string& code, Flag cancelled);

  std::shared_ptr<Exchange> m_exchange;
  std::unique_ptr<UpstreamResponse> m_upstream;
  std::shared_ptr<const Catalog> m_catalog;  // keeps m_mapping alive
  const Mapping& m_mapping;
  bool m_include_usage;
  std::int64_t m_prompt_estimate;
  const std::atomic<bool>& m_aborting;
  SseSplitter m_splitter;
  std::vector<SseEvent> m_events;
  std::string m_piece;
  std::optional<TokenUsage> m_usage;
  std::size_t m_content_bytes = 0;
  bool m_first_content_seen = false;
  bool m_finished = false;
  std::string m_done_event;  // the upstream's [DONE] event, held back for the end
};

}  // namespace llmgw::daemon
