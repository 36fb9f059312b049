#include "daemon/upstream/origin.h"

#include "core/error.h"

#include <doctest/doctest.h>

using llmgw::daemon::Origin;
using llmgw::daemon::parse_base_url;

namespace {

std::string render(const Origin& origin) {
  return origin.scheme + " " + origin.host + " " + std::to_string(origin.port) + " '" +
         origin.base_path + "' " + origin.host_header();
}

std::string error_of(std::string_view url) {
  try {
    parse_base_url(url);
  } catch (const llmgw::Error& error) {
    CHECK(error.kind() == llmgw::ErrorKind::invalid);
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("origin: base URLs parse into scheme, host, port and base path") {
  CHECK(render(parse_base_url("https://api.openai.com/v1")) ==
        "https api.openai.com 443 '/v1' api.openai.com");
  CHECK(render(parse_base_url("http://127.0.0.1:8080")) ==
        "http 127.0.0.1 8080 '' 127.0.0.1:8080");
  CHECK(render(parse_base_url("HTTPS://API.Example.com:443/openai/v1/")) ==
        "https api.example.com 443 '/openai/v1' api.example.com");
  CHECK(render(parse_base_url("http://[::1]:9000/v1")) == "http ::1 9000 '/v1' [::1]:9000");
  CHECK(render(parse_base_url("http://localhost/")) == "http localhost 80 '' localhost");
  CHECK(parse_base_url("https://[::1]/v1").display() == "https://[::1]:443");
}

TEST_CASE("origin: malformed base URLs are refused without repeating the URL") {
  CHECK(error_of("api.openai.com/v1") ==
        "invalid base URL: it must start with http:// or https://");
  CHECK(error_of("ftp://example.com") == "invalid base URL: the scheme must be http or https");
  CHECK(error_of("https:///v1") == "invalid base URL: the host is missing");
  CHECK(error_of("https://example.com:0") ==
        "invalid base URL: the port must be a number from 1 to 65535");
  CHECK(error_of("https://example.com:65536") ==
        "invalid base URL: the port must be a number from 1 to 65535");
  CHECK(error_of("https://example.com:") ==
        "invalid base URL: the port must be a number from 1 to 65535");
  CHECK(error_of("https://user:sk-secret@example.com/v1") ==
        "invalid base URL: it must not carry user credentials");
  CHECK(error_of("https://example.com/v1?key=sk-secret") ==
        "invalid base URL: it must not have a query or a fragment");
  CHECK(error_of("https://exa mple.com/v1") ==
        "invalid base URL: the host has characters a host name cannot have");
  CHECK(error_of("https://example.com/v 1") ==
        "invalid base URL: the path has spaces or control characters");
  CHECK(error_of("http://[::1/v1") == "invalid base URL: unterminated IPv6 address");
}
