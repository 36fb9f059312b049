#include "core/wire/translate/chained_translation.h"

namespace llmgw {

std::string ChainedTranslation::close() {
  std::string out = passed(m_first->close());
  return out + m_second->close();
}

std::string ChainedTranslation::passed(const std::string& written) {
  m_events.clear();
  m_splitter.feed(written, m_events);
  std::string out;
  for (const SseEvent& event : m_events) {
    if (!event.data.empty() && event.data != "[DONE]") {
      out += m_second->event(event);
    }
  }
  return out;
}

}  // namespace llmgw
