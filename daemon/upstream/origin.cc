#include "daemon/upstream/origin.h"

#include "core/error.h"

#include <algorithm>
#include <cctype>

namespace llmgw::daemon {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

int default_port(const std::string& scheme) { return scheme == "https" ? 443 : 80; }

int parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5 ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    throw_invalid("invalid base URL: the port must be a number from 1 to 65535");
  }
  int port = std::stoi(std::string(text));
  if (port < 1 || port > 65535) {
    throw_invalid("invalid base URL: the port must be a number from 1 to 65535");
  }
  return port;
}

bool valid_host_char(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_';
}

}  // namespace

std::string Origin::host_header() const {
  std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port == default_port(scheme)) {
    return name;
  }
  return name + ":" + std::to_string(port);
}

std::string Origin::display() const {
  std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return scheme + "://" + name + ":" + std::to_string(port);
}

Origin parse_base_url(std::string_view url) {
  Origin origin;
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    throw_invalid("invalid base URL: it must start with http:// or https://");
  }
  origin.scheme = lower(url.substr(0, scheme_end));
  if (origin.scheme != "http" && origin.scheme != "https") {
    throw_invalid("invalid base URL: the scheme must be http or https");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) {
    throw_invalid("invalid base URL: it must not have a query or a fragment");
  }
  auto path_start = rest.find('/');
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path = path_start == std::string_view::npos ? "" : rest.substr(path_start);
  if (authority.find('@') != std::string_view::npos) {
    throw_invalid("invalid base URL: it must not carry user credentials");
  }

  std::string_view host;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) {
      throw_invalid("invalid base URL: unterminated IPv6 address");
    }
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        throw_invalid("invalid base URL: unexpected text after the IPv6 address");
      }
      port = after.substr(1);
      if (port.empty()) {
        throw_invalid("invalid base URL: the port must be a number from 1 to 65535");
      }
    }
    if (host.empty() || !std::all_of(host.begin(), host.end(), [](unsigned char c) {
          return std::isxdigit(c) || c == ':' || c == '.';
        })) {
      throw_invalid("invalid base URL: malformed IPv6 address");
    }
  } else {
    auto colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) {
        throw_invalid("invalid base URL: the port must be a number from 1 to 65535");
      }
    }
    if (!std::all_of(host.begin(), host.end(), valid_host_char)) {
      throw_invalid("invalid base URL: the host has characters a host name cannot have");
    }
  }
  if (host.empty()) {
    throw_invalid("invalid base URL: the host is missing");
  }
  origin.host = lower(host);
  origin.port = port.empty() ? default_port(origin.scheme) : parse_port(port);

  if (std::any_of(path.begin(), path.end(), [](unsigned char c) {
        return c <= ' ' || c == 0x7f;
      })) {
    throw_invalid("invalid base URL: the path has spaces or control characters");
  }
  while (!path.empty() && path.back() == '/') {
    path.remove_suffix(1);
  }
  origin.base_path = std::string(path);
  return origin;
}

}  // namespace llmgw::daemon
