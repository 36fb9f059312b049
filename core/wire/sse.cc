#include "core/wire/sse.h"

#include "core/error.h"

#include <optional>

namespace llmgw {

namespace {

// The value of a line of field `name` ("data", "event"), one leading space dropped;
// nullopt for a line of another field.
std::optional<std::string_view> field_value(std::string_view line, std::string_view name) {
  if (line.substr(0, name.size()) != name || line.substr(name.size(), 1) != ":") {
    return std::nullopt;
  }
  line.remove_prefix(name.size() + 1);
  if (!line.empty() && line.front() == ' ') {
    line.remove_prefix(1);
  }
  return line;
}

// An event's data (the values of its "data:" lines, joined by "\n") and its type.
SseEvent parsed_event(std::string_view raw) {
  SseEvent event{std::string(raw), "", ""};
  bool first = true;
  while (!raw.empty()) {
    std::string_view line = take_line(raw);
    if (auto type = field_value(line, "event")) {
      event.type = *type;
    }
    auto data = field_value(line, "data");
    if (!data) {
      continue;
    }
    if (!first) {
      event.data += '\n';
    }
    event.data.append(*data);
    first = false;
  }
  return event;
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

std::string_view take_line(std::string_view& rest) {
  std::size_t end = rest.find('\n');
  std::string_view line = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  return line;
}

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
    out.push_back(parsed_event(std::string_view(m_buffer.data() + start, end - start)));
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
