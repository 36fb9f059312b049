#pragma once
// Two stream translations in a row: the events the first writes are split again and fed
// to the second. A Responses client of an Anthropic-kind provider gets Messages → chat →
// Responses; the chat stream in between is never sent.
#include "core/wire/sse.h"
#include "core/wire/translate/stream_translation.h"

#include <memory>
#include <vector>

namespace llmgw {

class ChainedTranslation : public StreamTranslation {
public:
  // The first must write chat events (data lines, [DONE] last), as the second reads them.
  ChainedTranslation(std::unique_ptr<StreamTranslation> first,
                     std::unique_ptr<StreamTranslation> second)
      : m_first(std::move(first)), m_second(std::move(second)) {}

  std::string event(const SseEvent& event) override { return passed(m_first->event(event)); }
  std::string keep_alive() override { return m_second->keep_alive(); }
  // Both APIs' error documents are read alike (stream_error): the second reads it as is.
  std::string error(const nlohmann::json& redacted) override { return m_second->error(redacted); }
  std::string close() override;
  std::string end_event() override { return m_second->end_event(); }

private:
  // The second translation's events for what the first wrote.
  std::string passed(const std::string& written);

  std::unique_ptr<StreamTranslation> m_first;
  std::unique_ptr<StreamTranslation> m_second;
  SseSplitter m_splitter;
  std::vector<SseEvent> m_events;
};

}  // namespace llmgw
