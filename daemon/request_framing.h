#pragma once
// Checks of how a request says where its body ends, made before the body is read. Several
// Content-Length headers, a non-numeric one, Transfer-Encoding with Content-Length, a POST
// with neither, a compressed body: a front proxy may read any of these differently from
// llmgw, which is how requests are smuggled, so each is refused.
#include "daemon/http_error.h"

#include <httplib.h>

#include <optional>

namespace llmgw::daemon {

// Headers a request may carry.
constexpr std::size_t k_max_request_headers = 100;

// The error to answer `request` with, or nullopt when its framing is sound: one
// Content-Length of digits only, or Transfer-Encoding: chunked alone; a POST has one of
// them; no Content-Encoding but identity; at most k_max_request_headers headers; one
// Host header (HTTP/1.0 may send none). A 400 says the request is framed in a way a
// proxy in front may read otherwise: nothing after it on its connection can be trusted.
std::optional<HttpError> framing_error(const httplib::Request& request);

}  // namespace llmgw::daemon
