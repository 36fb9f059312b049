#pragma once
// A client's request head (HTTP/1.0 and 1.1) parsed from bytes. Pure functions: no
// socket, so every malformed case is tested directly. A request line of three parts
// separated by spaces, ending in CRLF; header lines "name: value" ending in CRLF, the
// value trimmed and taken as sent (never percent-decoded), empty or not; the head ends at
// an empty CRLF line. A header line that a front proxy might read otherwise is refused
// rather than skipped: one ending in a bare LF, a folded one, one without a name or with
// blanks or other characters than a token's before the colon (a "Transfer-Encoding :"
// that llmgw ignored and a proxy honoured would let requests be smuggled), one whose
// value holds a control character other than a tab (a NUL, a bare CR, DEL).
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
// and version of `request` from `line` (CRLF included). False when it is malformed: not
// three parts, an unknown method, a version other than HTTP/1.0 and HTTP/1.1, a control
// character in the line or in the decoded path.
bool parse_request_line(std::string_view line, httplib::Request& request);

// Adds the fields of `lines` (the header lines of a head, the empty line excluded) to
// `request.headers`. False when a line is malformed (see above) or longer than
// k_max_header_line_bytes.
bool parse_header_lines(std::string_view lines, httplib::Request& request);

}  // namespace llmgw::daemon
