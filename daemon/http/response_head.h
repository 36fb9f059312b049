#pragma once
// The status line and header fields of an HTTP/1.x response, parsed from bytes by Beast's
// HTTP parser (boost/beast/http/basic_parser.hpp, which needs no event loop), with llmgw's
// policy on top: every line ends in CRLF, no field is folded, one Transfer-Encoding field
// at most and none beside a Content-Length, a status code of 100 or more. Beast reads
// HTTP/1.0 and HTTP/1.1 only.
// Pure functions: no socket, so every malformed case is tested directly.
#include "daemon/http/malformed_response.h"
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmgw::daemon {

using HeaderFields = std::vector<std::pair<std::string, std::string>>;

// A response head larger than this is refused: a misbehaving upstream must not make us
// buffer without bound.
constexpr std::size_t k_max_head_bytes = 64 * 1024;

struct ResponseHead {
  int status = 0;
  int minor_version = 1;  // HTTP/1.<minor_version>
  HeaderFields headers;   // in order received, names as sent, values without surrounding blanks

  // The first field with this name, compared case-insensitively; nullopt when absent.
  std::optional<std::string_view> header(std::string_view name) const;
  // Calls `each(token)` for every element of the fields with this name, in order: their
  // values split at commas, trimmed, empty elements skipped.
  void for_each_token(std::string_view name, const std::function<void(std::string_view)>& each) const;
  // Whether the upstream lets the connection carry another request (HTTP/1.1 unless
  // `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`).
  bool keep_alive() const;
};

// The length of the head at the start of `data`, blank line included; nullopt while it
// is incomplete. Throws MalformedResponse(malformed) once `data` holds k_max_head_bytes with
// no end in sight.
std::optional<std::size_t> find_head_end(std::string_view data);

// Parses a complete head (as delimited by find_head_end). Throws MalformedResponse(malformed)
// on anything else: a head without its end, a malformed line, status line or field, or
// framing fields as above; the message never repeats a field value.
ResponseHead parse_response_head(std::string_view head);

}  // namespace llmgw::daemon
