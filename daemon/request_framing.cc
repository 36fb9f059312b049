#include "daemon/request_framing.h"

#include "daemon/http/header_scan.h"

#include <fmt/format.h>

namespace llmgw::daemon {

namespace {

constexpr std::size_t k_max_length_digits = 18;

HttpError bad_framing(const std::string& message) {
  return HttpError(400, "bad_request", message);
}

}  // namespace

std::optional<HttpError> framing_error(const httplib::Request& request) {
  const httplib::Headers& headers = request.headers;
  if (headers.size() > k_max_request_headers) {
    return HttpError(431, "headers_too_large",
                     fmt::format("More than {} request headers", k_max_request_headers));
  }
  std::size_t lengths = header_count(headers, "Content-Length");
  std::size_t encodings = header_count(headers, "Transfer-Encoding");
  if (lengths > 0 && encodings > 0) {
    return bad_framing("Content-Length and Transfer-Encoding must not both be sent");
  }
  if (lengths > 1) {
    return bad_framing("More than one Content-Length header");
  }
  if (encodings > 1) {
    return bad_framing("More than one Transfer-Encoding header");
  }
  if (lengths == 1) {
    const std::string& length = *find_header(headers, "Content-Length");
    if (length.empty() || length.size() > k_max_length_digits ||
        length.find_first_not_of("0123456789") != std::string::npos) {
      return bad_framing("Content-Length must be a number of bytes");
    }
  }
  if (encodings == 1 && !equals_ignoring_case(*find_header(headers, "Transfer-Encoding"), "chunked")) {
    return bad_framing("The only Transfer-Encoding accepted is chunked");
  }
  // Which host a request is for decides where a proxy in front routes it.
  std::size_t hosts = header_count(headers, "Host");
  if (hosts > 1) {
    return bad_framing("More than one Host header");
  }
  if (hosts == 0 && request.version == "HTTP/1.1") {
    return bad_framing("An HTTP/1.1 request needs a Host header");
  }
  if (request.method == "POST" && lengths == 0 && encodings == 0) {
    return HttpError(411, "length_required", "A request body needs a Content-Length");
  }
  const bool identity = for_each_header(headers, "Content-Encoding", [](const std::string& coding) {
    return equals_ignoring_case(coding, "identity");
  });
  if (!identity) {
    return HttpError(415, "unsupported_content_encoding",
                     "Request bodies must be sent uncompressed, without Content-Encoding");
  }
  return std::nullopt;
}

}  // namespace llmgw::daemon
