#pragma once
// A response, as the daemon writes it to a client's connection: the status line, the
// fields in the order of the response's header map, then the body, whole or streamed in
// chunks. No compression and no ranges: the bytes a handler sets are
// the bytes sent.
#include "daemon/http/client_connection.h"
#include "daemon/http/response.h"

#include <httplib.h>

#include <string>

namespace llmgw::daemon {

// The reason phrase of `status` (the ones llmgw sends); "" for any other.
const char* reason_phrase(int status);

// The status line and header fields of `response`, the empty line included.
std::string response_head(const Response& response);

// Whether the body of `response` ends with the connection rather than with chunks: a
// streamed body to an HTTP/1.0 client, which knows no chunked coding.
bool body_ends_with_connection(const httplib::Request& request, const Response& response);

// Writes `response` (only its head for a HEAD request). A streamed body's producer is
// called until it writes nothing more or calls done(), and then the response is
// released with the outcome. False when the connection failed on the way.
bool write_response(ClientConnection& connection, const httplib::Request& request,
                    Response& response);

}  // namespace llmgw::daemon
