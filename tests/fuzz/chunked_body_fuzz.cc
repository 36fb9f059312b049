// Fuzz target: chunked bodies in both directions (daemon/http/chunked_body.h behind
// daemon/http/body_decoder.h): a client's request body and a provider's response body.
// Each is decoded twice, the bytes given whole and in fuzzer-chosen pieces as a socket
// would deliver them, and compared with the chunked coding as the header states it,
// written here on its own from RFC 9112 section 7.1 (the reading of the hand-written
// decoder that Beast's replaced, with Beast's grammar of sizes, extensions and trailer
// fields). Aborts when
// - a decoder accepts a body that the reading here refuses, refuses one it accepts, or
//   waits for more where it does not; or decodes other bytes, or stops elsewhere;
// - the verdict or the bytes depend on how the input was split;
// - it throws anything but MalformedRequestBody for a client, MalformedResponse for a
//   provider, or end_of_input() on an unfinished body does not throw cut_short.
//
// Input layout (FuzzedDataProvider, which takes numbers from the end): the last byte, % 9,
// is the number of piece lengths, and the pairs of bytes before it are the lengths (0 to
// 65535 bytes, the first one last; empty pieces included); the rest, from the start, is
// the body on the wire.
#include "daemon/http/body_decoder.h"
#include "tests/fuzz/check.h"
#include "tests/fuzz/http_rules.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using fuzz::equals_ignoring_case;
using fuzz::is_control_but_tab;
using fuzz::is_tchar;
using fuzz::is_token;
using fuzz::is_token_list;
using fuzz::trimmed;
using llmgw::daemon::BodyDecoder;
using llmgw::daemon::MalformedRequestBody;
using llmgw::daemon::MalformedResponse;

constexpr std::size_t k_max_line = 4096;          // a line's bytes before its CRLF
constexpr std::size_t k_max_trailer = 64 * 1024;  // the trailer lines, CRLFs included

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

bool is_hex(char c) {
  return std::string_view("0123456789abcdefABCDEF").find(c) != std::string_view::npos;
}

// The line that starts at `at`: its bytes before the CRLF, and where the next one starts.
struct Line {
  Verdict verdict;
  std::string_view text;
  std::size_t next = 0;
};

// A line ends in CRLF, has at most k_max_line bytes before it and no control character
// but a tab. Incomplete while its LF has not come, unless what came already breaks that.
Line line_at(std::string_view in, std::size_t at) {
  const std::size_t lf = in.find('\n', at);
  std::string_view text = in.substr(at, lf == std::string_view::npos ? std::string_view::npos : lf - at);
  const bool cr = !text.empty() && text.back() == '\r';
  if (cr) {
    text.remove_suffix(1);
  }
  if ((lf != std::string_view::npos && !cr) || text.size() > k_max_line ||
      std::any_of(text.begin(), text.end(), is_control_but_tab)) {
    return {Verdict::malformed, text};
  }
  if (lf == std::string_view::npos) {
    return {Verdict::incomplete, text};
  }
  return {Verdict::done, text, lf + 1};
}

// quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE, from the front of `text`;
// its length, or 0 when there is none. Control characters are refused before.
std::size_t quoted_string(std::string_view text) {
  if (text.empty() || text[0] != '"') return 0;
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (text[i] == '"') return i + 1;
    if (text[i] == '\\') ++i;
  }
  return 0;
}

std::size_t skip_blanks(std::string_view text, std::size_t i) {
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  return i;
}

std::size_t skip_token(std::string_view text, std::size_t i) {
  while (i < text.size() && is_tchar(static_cast<unsigned char>(text[i]))) ++i;
  return i;
}

// chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ), the whole of
// `text`; chunk-ext-val = token / quoted-string.
bool is_chunk_ext(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    i = skip_blanks(text, i);
    if (i == text.size() || text[i] != ';') return false;
    i = skip_blanks(text, i + 1);
    std::size_t name_end = skip_token(text, i);
    if (name_end == i) return false;
    i = name_end;
    std::size_t after = skip_blanks(text, i);
    if (after < text.size() && text[after] == '=') {
      i = skip_blanks(text, after + 1);
      std::size_t value_end = skip_token(text, i);
      if (value_end == i) {
        std::size_t quoted = quoted_string(text.substr(i));
        if (quoted == 0) return false;
        value_end = i + quoted;
      }
      i = value_end;
    }
  }
  return true;
}

// The hexadecimal digits at the front of a chunk-size line.
std::string_view size_digits(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && is_hex(line[n])) ++n;
  return line.substr(0, n);
}

// chunk-size [ chunk-ext ], the size below 2^64.
bool is_chunk_line(std::string_view line) {
  std::string_view digits = size_digits(line);
  std::size_t zeros = digits.find_first_not_of('0');
  std::size_t significant = zeros == std::string_view::npos ? 0 : digits.size() - zeros;
  return !digits.empty() && significant <= 16 && is_chunk_ext(line.substr(digits.size()));
}

// A trailer field line: a token and a colon.
bool is_trailer_field_line(std::string_view line) {
  std::size_t colon = line.find(':');
  return colon != std::string_view::npos && is_token(line.substr(0, colon));
}

// A trailer field allowed: none that frames the body, a Connection or Proxy-Connection
// that is a list of tokens.
bool is_allowed_trailer(std::string_view line) {
  std::size_t colon = line.find(':');
  std::string_view name = line.substr(0, colon);
  std::string_view value = trimmed(line.substr(colon + 1));
  if (equals_ignoring_case(name, "content-length") ||
      equals_ignoring_case(name, "transfer-encoding")) {
    return false;
  }
  if (equals_ignoring_case(name, "connection") || equals_ignoring_case(name, "proxy-connection")) {
    return is_token_list(value);
  }
  return true;
}

// The chunked coding (RFC 9112 section 7.1) as llmgw reads it.
Outcome expected(std::string_view in) {
  Outcome outcome;
  auto ends = [&outcome](Verdict verdict) {
    outcome.verdict = verdict;
    return outcome;
  };
  std::size_t at = 0;
  bool after_data = false;
  for (;;) {
    if (after_data) {
      std::string_view crlf = in.substr(at, 2);
      if (crlf != std::string_view("\r\n").substr(0, crlf.size())) return ends(Verdict::malformed);
      if (crlf.size() < 2) return outcome;
      at += 2;
    }
    Line line = line_at(in, at);
    if (line.verdict != Verdict::done) return ends(line.verdict);
    at = line.next;
    std::string_view digits = size_digits(line.text);
    if (!digits.empty() && digits.find_first_not_of('0') == std::string_view::npos) {
      // The last chunk: its trailer lines, read as they come, then the grammar of all.
      std::size_t trailer_start = at;
      std::vector<std::string_view> trailers;
      for (;;) {
        Line trailer = line_at(in, at);
        if (trailer.verdict != Verdict::done) return ends(trailer.verdict);
        at = trailer.next;
        if (trailer.text.empty()) break;
        if (!is_trailer_field_line(trailer.text) || at - trailer_start > k_max_trailer) {
          return ends(Verdict::malformed);
        }
        trailers.push_back(trailer.text);
      }
      if (!is_chunk_line(line.text) ||
          !std::all_of(trailers.begin(), trailers.end(), is_allowed_trailer)) {
        return ends(Verdict::malformed);
      }
      outcome.used = at;
      return ends(Verdict::done);
    }
    if (!is_chunk_line(line.text)) return ends(Verdict::malformed);
    const std::uint64_t size = std::stoull(std::string(digits), nullptr, 16);
    if (in.size() - at < size) {
      outcome.body.append(in.substr(at));  // what has come of the chunk is passed on
      return outcome;
    }
    outcome.body.append(in.substr(at, size));
    at += size;
    after_data = true;
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
  const Outcome reference = expected(wire);
  for (bool client : {true, false}) {
    FUZZ_CHECK(decoded(wire, {}, client) == reference);
    FUZZ_CHECK(decoded(wire, pieces, client) == reference);
  }
  return 0;
}
