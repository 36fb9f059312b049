// The decoding of a provider's chunked SSE stream alone (daemon/http/body_decoder.h), no
// socket: 1,000 events of about 120 bytes, one chunk each, given to the decoder in reads
// of 16 KiB as a connection's buffer holds them, decoded `rounds` times (the buffers
// reused, so that the time is the decoder's, not the allocator's). Prints the time
// per chunk. The same source builds against any commit whose BodyDecoder has this API,
// for a before-and-after comparison.
//
//   llmgw_bench_chunked [rounds]   (default 2000)
#include "daemon/http/body_decoder.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

using llmgw::daemon::BodyDecoder;

namespace {

std::string sse_stream(int events) {
  std::string wire;
  for (int i = 0; i < events; ++i) {
    const std::string event =
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":"
        "[{\"delta\":{\"content\":\"word" + std::to_string(i) + "\"}}]}\n\n";
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", event.size());
    wire += size + event + "\r\n";
  }
  return wire + "0\r\n\r\n";
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 2000;
  constexpr int k_events = 1000;
  constexpr std::size_t k_read = 16 * 1024;
  const std::string wire = sse_stream(k_events);
  llmgw::daemon::ResponseHead head;
  head.status = 200;
  head.headers = {{"Transfer-Encoding", "chunked"}};
  std::string pending;  // kept across rounds, as a connection keeps its buffer
  std::string body;
  const auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < rounds; ++round) {
    BodyDecoder decoder = BodyDecoder::for_response(head, "POST");
    pending.clear();
    body.clear();
    for (std::size_t at = 0; at < wire.size() && !decoder.done(); at += k_read) {
      pending.append(wire, at, k_read);
      pending.erase(0, decoder.decode(pending, body));
    }
    if (!decoder.done()) {
      std::fprintf(stderr, "the stream did not decode whole\n");
      return 1;
    }
  }
  const std::chrono::duration<double, std::nano> elapsed = std::chrono::steady_clock::now() - start;
  std::printf("%.1f ns per chunk (%d rounds of %d chunks)\n",
              elapsed.count() / (static_cast<double>(rounds) * k_events), rounds, k_events);
  return 0;
}
