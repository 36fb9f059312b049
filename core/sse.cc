#include "core/sse.h"

#include "core/error.h"

namespace llmgw {

namespace {

// The data of one event: the value of each "data:" line (one leading space dropped).
std::string event_data(std::string_view raw) {
  std::string data;
  bool first = true;
  while (!raw.empty()) {
    std::size_t end = raw.find('\n');
    std::string_view line = raw.substr(0, end);
    raw = end == std::string_view::npos ? std::string_view() : raw.substr(end + 1);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.substr(0, 5) != "data:") {
      continue;
    }
    line.remove_prefix(5);
    if (!line.empty() && line.front() == ' ') {
      line.remove_prefix(1);
    }
    if (!first) {
      data += '\n';
    }
    data.append(line);
    first = false;
  }
  return data;
}

// The end of the first event in `buffer` at or after `from` (one past its blank line), or
// npos. Lines end in "\n" or "\r\n".
std::size_t event_end(std::string_view buffer, std::size_t from) {
  for (std::size_t i = from; i < buffer.size(); ++i) {
    if (buffer[i] != '\n') {
      continue;
    }
    std::size_t next = i + 1;
    if (next < buffer.size() && buffer[next] == '\n') {
      return next + 1;
    }
    if (next + 1 < buffer.size() && buffer[next] == '\r' && buffer[next + 1] == '\n') {
      return next + 2;
    }
  }
  return std::string_view::npos;
}

}  // namespace

void SseSplitter::feed(std::string_view bytes, std::vector<SseEvent>& out) {
  m_buffer.append(bytes);
  std::size_t start = 0;
  while (true) {
    // Resume the search a little before where the last one stopped: the "\n\n" or
    // "\n\r\n" that ends an event may straddle two feeds.
    std::size_t from = std::max(start, m_scanned >= 2 ? m_scanned - 2 : 0);
    std::size_t end = event_end(m_buffer, from);
    if (end == std::string_view::npos) {
      break;
    }
    // An event that arrives whole in one feed is held to the limit too, so whether a
    // stream is refused does not depend on how its bytes were split.
    if (end - start > m_max) {
      throw_invalid("an upstream event is larger than the limit");
    }
    std::string_view raw(m_buffer.data() + start, end - start);
    out.push_back(SseEvent{std::string(raw), event_data(raw)});
    start = end;
    m_scanned = end;
  }
  m_buffer.erase(0, start);
  m_scanned = m_buffer.size();
  if (m_buffer.size() > m_max) {
    throw_invalid("an upstream event is larger than the limit");
  }
}

}  // namespace llmgw
