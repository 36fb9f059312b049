#include "daemon/http/response.h"

#include "daemon/http/header_scan.h"

#include <utility>

namespace llmgw::daemon {

namespace {

bool has_line_break(const std::string& text) {
  return text.find_first_of("\r\n") != std::string::npos;
}

}  // namespace

Response::~Response() { release(false); }

bool Response::has_header(std::string_view name) const {
  return find_header(headers, name) != nullptr;
}

std::string Response::get_header_value(std::string_view name) const {
  const std::string* value = find_header(headers, name);
  return value != nullptr ? *value : std::string();
}

void Response::set_header(const std::string& name, const std::string& value) {
  if (!has_line_break(name) && !has_line_break(value)) {
    // Fields are mostly added in name order (the x-ratelimit-* ones last): the end is
    // the likely place, checked with one comparison of names, which ignores case.
    headers.emplace_hint(headers.end(), name, value);
  }
}

void Response::set_content(std::string content, const std::string& content_type) {
  release(false);  // a stream set before is not sent
  m_produce = nullptr;
  body = std::move(content);
  headers.erase("Content-Type");
  set_header("Content-Type", content_type);
}

void Response::stream(const std::string& content_type, Producer produce, Releaser release) {
  this->release(false);  // a stream set before is not sent
  headers.erase("Content-Type");
  set_header("Content-Type", content_type);
  m_produce = std::move(produce);
  m_release = std::move(release);
}

void Response::release(bool whole) {
  if (m_release) {
    Releaser release = std::move(m_release);
    m_release = nullptr;
    release(whole);
  }
}

}  // namespace llmgw::daemon
