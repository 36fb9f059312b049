#pragma once
// A client's request head (HTTP/1.0 and 1.1) read from bytes by Beast's HTTP/1.1 parser
// (boost/beast/http), with llmgw's stricter policy checked first. Pure functions: no
// socket, so every malformed case is tested directly. A request line is a known method, a
// target and HTTP/1.0 or HTTP/1.1, separated by single spaces and ending in CRLF; header
// lines are "name: value" ending in CRLF, the value trimmed and taken as sent (never
// percent-decoded), empty or not; the head ends at an empty CRLF line. A header line that
// a front proxy might read otherwise is refused rather than skipped: one ending in a bare
// LF, a folded one, one without a name or with blanks or other characters than a token's
// before the colon (a "Transfer-Encoding :" that llmgw ignored and a proxy honoured would
// let requests be smuggled), one whose value holds a control character other than a tab
// (a NUL, a bare CR, DEL), a Connection or Proxy-Connection that is not a list of tokens;
// and so is a head that states its body's end in more than one way (see Breach).
#include "daemon/http/breach.h"

#include <httplib.h>

#include <cstddef>
#include <optional>
#include <string_view>

namespace llmgw::daemon {

// A request line longer than this (CRLF included) is answered 414; a header line longer
// than this, 400.
constexpr std::size_t k_max_request_line_bytes = 8192;
constexpr std::size_t k_max_header_line_bytes = 8192;

// The length of the first line of `data`, LF included; nullopt while it has no LF.
// Looks from `from` on (a caller that reads more bytes need not look again at those it
// has).
std::optional<std::size_t> line_end(std::string_view data, std::size_t from = 0);

// The length of the head at the start of `data` (its request line `request_line` bytes
// long), the empty line included; nullopt while it is incomplete. Looks from `from` on.
std::optional<std::size_t> head_end(std::string_view data, std::size_t request_line,
                                    std::size_t from = 0);

// Fills the method, target, path (the target before any '?' or '#', percent-decoded)
// and version of `request` from `line` (CRLF included). False when it is malformed (see
// above), or a control character is in the decoded path. Read before the rest of the
// head arrives, so that a line that is not HTTP is refused at once.
bool parse_request_line(std::string_view line, httplib::Request& request);

// Adds the fields of `section` (the header lines of a head and the empty line that ends
// it) to `request.headers`. Breach::none when they are well formed; Breach::malformed_head
// when a line is not (see above; nothing is added then); else the framing rule the fields
// break, the fields added all the same (so that the refusal is answered like any other
// request): one Content-Length of 1 to 18 digits, or one Transfer-Encoding that is
// "chunked", never both.
Breach parse_header_lines(std::string_view section, httplib::Request& request);

}  // namespace llmgw::daemon
