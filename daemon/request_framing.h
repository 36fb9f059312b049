#pragma once
// Checks of how a request says where its body ends, made before the body is read. Several
// Content-Length headers, a non-numeric one, Transfer-Encoding with Content-Length (found
// as the head is read: see Breach), a POST with neither, a compressed body: a front proxy
// may read any of these differently from llmgw, which is how requests are smuggled, so
// each is refused.
#include "daemon/http/breach.h"
#include "daemon/http_error.h"

#include <httplib.h>

#include <optional>

namespace llmgw::daemon {

// Headers a request may carry.
constexpr std::size_t k_max_request_headers = 100;

// The 400 to answer a head with that broke a framing rule as it was read
// (Breach::length_and_coding and the four after it); nullopt for any other breach.
std::optional<HttpError> framing_refusal(Breach breach);

// The error to answer `request` with (its head read whole; `breach`, the rule its head
// broke, if any), or nullopt when its framing is sound: at most k_max_request_headers
// headers; no framing breach; one Host header (HTTP/1.0 may send none); a POST has a
// Content-Length or a Transfer-Encoding; no Content-Encoding but identity. A 400 says the
// request is framed in a way a proxy in front may read otherwise: nothing after it on its
// connection can be trusted.
std::optional<HttpError> framing_error(const httplib::Request& request, Breach breach);

}  // namespace llmgw::daemon
