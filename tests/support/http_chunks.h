#pragma once
// Chunked HTTP/1.1 bodies written by hand, for raw clients and raw upstreams.
#include <string>

namespace test {

// The head of a 200 answer that streams server-sent events in chunks.
extern const std::string k_chunked_event_stream_head;

// `data` as one chunk: its size in hex, CRLF, the data, CRLF.
std::string chunk(const std::string& data);

}  // namespace test
