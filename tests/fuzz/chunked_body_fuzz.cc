// Fuzz target: chunked bodies in both directions (daemon/http/body_decoder.h): a client's
// request body, read strictly, and a provider's response body. Each is decoded twice, the
// bytes given whole and in fuzzer-chosen pieces as a socket would deliver them, and
// compared with the chunked coding as the header states it, written here on its own (a
// provider's lines may end in a bare LF and hold control characters; a client's may not).
// Aborts when
// - a decoder accepts a body that the reading here refuses, refuses one it accepts, or
//   waits for more where it does not; or decodes other bytes, or stops elsewhere;
// - the verdict or the bytes depend on how the input was split;
// - it throws anything but MalformedRequestBody for a client, MalformedResponse for a
//   provider, or end_of_input() on an unfinished body does not throw cut_short;
// - a body that a client may send is not one a provider may send, with the same bytes.
//
// Input layout (FuzzedDataProvider, which takes numbers from the end): the last byte, % 9,
// is the number of piece lengths, and the pairs of bytes before it are the lengths (0 to
// 65535 bytes, the first one last; empty pieces included); the rest, from the start, is
// the body on the wire.
#include "daemon/http/body_decoder.h"
#include "tests/fuzz/check.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using llmgw::daemon::BodyDecoder;
using llmgw::daemon::MalformedRequestBody;
using llmgw::daemon::MalformedResponse;

constexpr std::size_t k_max_line = 4096;          // a chunk-size or trailer line, CR included
constexpr std::size_t k_max_trailer = 64 * 1024;  // the trailer lines, line ends included

enum class Verdict { done, incomplete, malformed };

struct Outcome {
  Verdict verdict = Verdict::incomplete;
  std::string body;
  std::size_t used = 0;  // bytes of the input that the body spans (compared when done)
};

bool operator==(const Outcome& a, const Outcome& b) {
  return a.verdict == b.verdict && (a.verdict == Verdict::malformed || a.body == b.body) &&
         (a.verdict != Verdict::done || a.used == b.used);
}

// The chunked coding (RFC 9112 section 7.1) as llmgw reads it.
Outcome expected(std::string_view in, bool strict) {
  Outcome outcome;
  std::size_t at = 0;
  std::size_t trailer = 0;
  bool in_trailer = false;
  auto malformed = [&outcome] {
    outcome.verdict = Verdict::malformed;
    return outcome;
  };
  for (;;) {
    std::size_t lf = in.find('\n', at);
    if (lf == std::string_view::npos) {
      return in.size() - at > k_max_line ? malformed() : outcome;
    }
    if (lf - at > k_max_line) {
      return malformed();
    }
    std::string_view line = in.substr(at, lf - at);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    } else if (strict) {
      return malformed();
    }
    if (strict && std::any_of(line.begin(), line.end(), [](unsigned char c) {
          return (c < 0x20 && c != '\t') || c == 0x7f;
        })) {
      return malformed();
    }
    const std::size_t start = at;
    at = lf + 1;
    if (in_trailer) {
      if (line.empty()) {
        outcome.verdict = Verdict::done;
        outcome.used = at;
        return outcome;
      }
      trailer += at - start;
      if (trailer > k_max_trailer) {
        return malformed();
      }
      continue;
    }
    std::string_view digits = line.substr(0, line.find(';'));
    while (!digits.empty() && (digits.back() == ' ' || digits.back() == '\t')) {
      digits.remove_suffix(1);
    }
    if (digits.empty() || digits.size() > 15 ||
        digits.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos) {
      return malformed();
    }
    std::uint64_t size = std::stoull(std::string(digits), nullptr, 16);
    if (size == 0) {
      in_trailer = true;
      continue;
    }
    if (in.size() - at < size) {
      outcome.body.append(in.substr(at));  // what has come of the chunk is passed on
      return outcome;
    }
    outcome.body.append(in.substr(at, size));
    at += size;
    std::string_view end = in.substr(at, 2);
    if (end.empty() || end == "\r") {
      return outcome;
    }
    if (end == "\r\n") {
      at += 2;
    } else if (end[0] == '\n' && !strict) {
      at += 1;
    } else {
      return malformed();
    }
  }
}

// Decodes `in` given in pieces of the lengths in `pieces`, taken in turn (all at once
// without any), as a reader does: what the decoder did not use waits for more bytes.
Outcome decoded(std::string_view in, const std::vector<std::size_t>& pieces, bool client) {
  llmgw::daemon::ResponseHead head;
  head.status = 200;
  head.headers = {{"Transfer-Encoding", "chunked"}};
  BodyDecoder decoder = client ? BodyDecoder::chunked() : BodyDecoder::for_response(head, "POST");
  Outcome outcome;
  std::string pending;
  std::size_t given = 0;
  try {
    for (std::size_t turn = 0; !decoder.done() && given < in.size(); ++turn) {
      std::size_t piece = pieces.empty() ? in.size() : pieces[turn % pieces.size()];
      piece = std::min(piece, in.size() - given);
      pending.append(in.substr(given, piece));
      given += piece;
      std::size_t used = decoder.decode(pending, outcome.body);
      FUZZ_CHECK(used <= pending.size());
      outcome.used += used;
      pending.erase(0, used);
    }
    if (decoder.done()) {
      outcome.verdict = Verdict::done;
      return outcome;
    }
    try {
      decoder.end_of_input();
      FUZZ_CHECK(false);  // an unfinished chunked body is never complete at the close
    } catch (const MalformedResponse& e) {
      FUZZ_CHECK(e.kind() == MalformedResponse::Kind::cut_short);
    }
  } catch (const MalformedRequestBody&) {
    FUZZ_CHECK(client);
    outcome.verdict = Verdict::malformed;
  } catch (const MalformedResponse& e) {
    FUZZ_CHECK(!client && e.kind() == MalformedResponse::Kind::malformed);
    outcome.verdict = Verdict::malformed;
  }
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider provider(data, size);
  std::vector<std::size_t> pieces(provider.ConsumeIntegral<std::uint8_t>() % 9);
  for (std::size_t& piece : pieces) {
    piece = provider.ConsumeIntegral<std::uint16_t>();
  }
  if (!pieces.empty() && std::all_of(pieces.begin(), pieces.end(), [](std::size_t p) { return p == 0; })) {
    pieces.push_back(1);  // pieces that are all empty never end
  }
  const std::string wire = provider.ConsumeRemainingBytesAsString();
  for (bool client : {true, false}) {
    const Outcome reference = expected(wire, client);
    FUZZ_CHECK(decoded(wire, {}, client) == reference);
    FUZZ_CHECK(decoded(wire, pieces, client) == reference);
  }
  const Outcome from_client = expected(wire, true);
  if (from_client.verdict == Verdict::done) {
    FUZZ_CHECK(expected(wire, false) == from_client);
  }
  return 0;
}
