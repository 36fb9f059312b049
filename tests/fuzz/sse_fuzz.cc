// Fuzz target: server-sent events split out of an upstream's bytes (core/wire/sse.cc). The same
// stream goes to three splitters with the same event limit: whole, one byte at a time, and
// in chunks of fuzzer-chosen lengths (empty ones included). Aborts when
// - they disagree: other events, another tail left pending, or one refuses the stream (an
//   event over the limit) where another does not;
// - a splitter holds more than the limit between feeds (its memory is bounded), or emits
//   an event over it;
// - bytes are lost or made up: the events then the pending tail are not the stream (or, on
//   a refusal, the events are not a prefix of it);
// - an event does not end at its first blank line ("\n\n" or "\n\r\n"), the pending tail
//   holds one, or an event's data is not its "data:" lines' values joined by "\n".
//
// Input layout (FuzzedDataProvider, which takes numbers from the end): the limit is 1 +
// (last byte * 256 + the byte before it) % 1024; the byte before those, % 9, is the number
// of chunk lengths, and the bytes before it are the lengths, the first one last; the rest,
// from the start, is the stream.
#include "core/error.h"
#include "core/wire/sse.h"
#include "tests/fuzz/check.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Outcome {
  std::vector<llmgw::SseEvent> events;
  std::string pending;
  bool refused = false;
};

// Feeds `stream` in pieces of the lengths in `chunks`, taken in turn.
Outcome split(std::string_view stream, std::size_t limit, const std::vector<std::size_t>& chunks) {
  llmgw::SseSplitter splitter(limit);
  Outcome outcome;
  std::size_t at = 0;
  for (std::size_t i = 0; i == 0 || at < stream.size(); ++i) {
    std::string_view piece = stream.substr(at, chunks[i % chunks.size()]);
    try {
      splitter.feed(piece, outcome.events);
    } catch (const llmgw::Error& e) {
      FUZZ_CHECK(e.kind() == llmgw::ErrorKind::invalid);
      outcome.refused = true;
      return outcome;
    }
    FUZZ_CHECK(splitter.pending().size() <= limit);
    at += piece.size();
  }
  outcome.pending = splitter.pending();
  return outcome;
}

// One past the first blank line of `text`, or npos.
std::size_t first_blank_line_end(std::string_view text) {
  for (std::size_t end = 2; end <= text.size(); ++end) {
    std::string_view head = text.substr(0, end);
    if (head.substr(end - 2) == "\n\n" || (end >= 3 && head.substr(end - 3) == "\n\r\n")) {
      return end;
    }
  }
  return std::string_view::npos;
}

std::string data_of(std::string_view raw) {
  std::vector<std::string_view> values;
  std::size_t start = 0;
  while (start < raw.size()) {
    std::size_t newline = raw.find('\n', start);
    std::size_t end = newline == std::string_view::npos ? raw.size() : newline;
    std::string_view line = raw.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.substr(0, 5) == "data:") {
      line.remove_prefix(line.substr(5, 1) == " " ? 6 : 5);
      values.push_back(line);
    }
  }
  std::string data;
  for (std::size_t i = 0; i < values.size(); ++i) {
    data += (i ? "\n" : "");
    data.append(values[i]);
  }
  return data;
}

void check_events(const Outcome& outcome, std::string_view stream, std::size_t limit) {
  std::string replayed;
  for (const llmgw::SseEvent& event : outcome.events) {
    FUZZ_CHECK(event.raw.size() <= limit);
    FUZZ_CHECK(first_blank_line_end(event.raw) == event.raw.size());
    FUZZ_CHECK(event.data == data_of(event.raw));
    replayed += event.raw;
  }
  FUZZ_CHECK(first_blank_line_end(outcome.pending) == std::string_view::npos);
  if (outcome.refused) {
    FUZZ_CHECK(stream.substr(0, replayed.size()) == replayed);
  } else {
    FUZZ_CHECK(replayed + outcome.pending == stream);
  }
}

bool same(const Outcome& a, const Outcome& b) {
  if (a.refused != b.refused || a.pending != b.pending || a.events.size() != b.events.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    if (a.events[i].raw != b.events[i].raw || a.events[i].data != b.events[i].data) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  std::size_t limit = 1 + input.ConsumeIntegral<std::uint16_t>() % 1024;
  std::vector<std::size_t> chunks(input.ConsumeIntegral<std::uint8_t>() % 9);
  for (std::size_t& length : chunks) {
    length = input.ConsumeIntegral<std::uint8_t>();
  }
  std::string stream = input.ConsumeRemainingBytesAsString();
  std::size_t total = 0;
  for (std::size_t length : chunks) {
    total += length;
  }
  if (total == 0) {
    chunks.push_back(1);  // pieces that are all empty would never end
  }

  Outcome whole = split(stream, limit, {stream.size()});
  Outcome bytewise = split(stream, limit, {1});
  Outcome chunked = split(stream, limit, chunks);
  check_events(whole, stream, limit);
  FUZZ_CHECK(same(whole, bytewise));
  FUZZ_CHECK(same(whole, chunked));
  return 0;
}
