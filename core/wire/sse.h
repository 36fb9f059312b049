#pragma once
// Server-sent events as an upstream streams them: bytes in, whole events out, whatever
// way the bytes were split. Memory is bounded by the largest single event.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw {

struct SseEvent {
  std::string raw;   // the event's bytes, including its terminating blank line
  std::string data;  // its data lines joined by "\n" (empty when it has none)
  std::string type;  // the value of its last "event:" line ("" when it has none)
};

// Takes the first line off `rest` and returns it without its "\n" or "\r\n"; `rest` keeps
// what follows (empty after the last line).
std::string_view take_line(std::string_view& rest);

class SseSplitter {
public:
  explicit SseSplitter(std::size_t max_event_bytes = 4 << 20) : m_max(max_event_bytes) {}

  // Appends `bytes` and moves every event they complete into `out`. Throws Error(invalid)
  // when one event grows past the limit.
  void feed(std::string_view bytes, std::vector<SseEvent>& out);
  // What is left after the stream ended: an unterminated last event, or "".
  const std::string& pending() const { return m_buffer; }

private:
  std::string m_buffer;
  std::size_t m_scanned = 0;  // bytes of m_buffer already searched for an event end
  std::size_t m_max;
};

}  // namespace llmgw
