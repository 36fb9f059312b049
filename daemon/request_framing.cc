#include "daemon/request_framing.h"

#include "daemon/http/header_scan.h"

#include <fmt/format.h>

namespace llmgw::daemon {

namespace {

HttpError bad_framing(const std::string& message) {
  return HttpError(400, "bad_request", message);
}

}  // namespace

std::optional<HttpError> framing_refusal(Breach breach) {
  switch (breach) {
    case Breach::length_and_coding:
      return bad_framing("Content-Length and Transfer-Encoding must not both be sent");
    case Breach::several_lengths:
      return bad_framing("More than one Content-Length header");
    case Breach::length_not_a_number:
      return bad_framing("Content-Length must be a number of bytes");
    case Breach::several_codings:
      return bad_framing("More than one Transfer-Encoding header");
    case Breach::coding_not_chunked:
      return bad_framing("The only Transfer-Encoding accepted is chunked");
    default:
      return std::nullopt;
  }
}

std::optional<HttpError> framing_error(const httplib::Request& request, Breach breach) {
  const httplib::Headers& headers = request.headers;
  if (headers.size() > k_max_request_headers) {
    return HttpError(431, "headers_too_large",
                     fmt::format("More than {} request headers", k_max_request_headers));
  }
  if (auto refusal = framing_refusal(breach)) {
    return refusal;
  }
  // Which host a request is for decides where a proxy in front routes it.
  std::size_t hosts = header_count(headers, "Host");
  if (hosts > 1) {
    return bad_framing("More than one Host header");
  }
  if (hosts == 0 && request.version == "HTTP/1.1") {
    return bad_framing("An HTTP/1.1 request needs a Host header");
  }
  if (request.method == "POST" && find_header(headers, "Content-Length") == nullptr &&
      find_header(headers, "Transfer-Encoding") == nullptr) {
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
