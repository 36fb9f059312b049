#pragma once
// Where a provider lives: the parsed form of a catalog `base_url`.
#include <string>
#include <string_view>

namespace llmgw::daemon {

struct Origin {
  std::string scheme;     // "http" or "https"
  std::string host;       // lower-cased; an IPv6 literal without its brackets
  int port = 0;
  std::string base_path;  // "" or "/v1": never a trailing slash, so base_path + "/x" works

  bool tls() const { return scheme == "https"; }
  // The Host header: the port only when it is not the scheme's default.
  std::string host_header() const;
  // "https://api.openai.com:443", for error messages and logs (it holds no secret: a
  // base URL with user credentials is refused).
  std::string display() const;
};

// "https://api.openai.com/v1" -> {https, api.openai.com, 443, "/v1"}. Throws
// Error(invalid) for another scheme, a missing host, a bad port, user credentials, a query
// or a fragment. The message does not repeat the URL: it might carry a secret.
Origin parse_base_url(std::string_view url);

}  // namespace llmgw::daemon
