#pragma once
// A response, as the daemon writes it to a client's connection: the status line, the
// fields in the order of the response's header map, then the body, or the chunks of a
// chunked content provider. No compression and no ranges: the bytes a handler sets are
// the bytes sent.
#include "daemon/http/client_connection.h"

#include <httplib.h>

#include <string>

namespace llmgw::daemon {

// The reason phrase of `status` (the ones llmgw sends); "" for any other.
const char* reason_phrase(int status);

// The status line and header fields of `response`, the empty line included.
std::string response_head(const httplib::Response& response);

// Whether the body of `response` ends with the connection rather than with chunks: a
// content provider's body to an HTTP/1.0 client, which knows no chunked coding.
bool body_ends_with_connection(const httplib::Request& request, const httplib::Response& response);

// Writes `response` (only its head for a HEAD request). For a chunked content provider,
// calls it until it writes nothing more or calls done(), and records the outcome for its
// releaser. False when the connection failed on the way.
bool write_response(ClientConnection& connection, const httplib::Request& request,
                    httplib::Response& response);

}  // namespace llmgw::daemon
