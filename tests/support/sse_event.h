#pragma once
// A server-sent event as core's SseSplitter gives it, for feeding a stream translation.
#include "core/wire/sse.h"

#include <string>

namespace test {

// The event named `type` ("" for none) whose one data line is `data`.
inline llmgw::SseEvent sse_event(const std::string& type, const std::string& data) {
  llmgw::SseEvent e;
  e.type = type;
  e.data = data;
  e.raw = (type.empty() ? "" : "event: " + type + "\n") + "data: " + data + "\n\n";
  return e;
}

}  // namespace test
