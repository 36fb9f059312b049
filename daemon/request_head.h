#pragma once
// A client's request head (HTTP/1.0 and 1.1) parsed from bytes. Pure functions: no
// socket, so every malformed case is tested directly. The rules are the ones llmgw
// answered by when cpp-httplib read heads, less its percent-decoding of header values:
// a request line of three parts separated by spaces, ending in CRLF; header lines ending
// in CRLF (a line ending in a bare LF is skipped, as is a line without a colon or with an
// empty value); the head ends at an empty CRLF line.
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
// `request.headers`. False when a line is longer than k_max_header_line_bytes.
bool parse_header_lines(std::string_view lines, httplib::Request& request);

}  // namespace llmgw::daemon
