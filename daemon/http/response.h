#pragma once
// A response as the daemon's handlers build it and the client session writes it: a
// status, header fields, and a body that is either whole (`body`) or streamed, written
// piece by piece as it is produced (stream()). Fields are kept in cpp-httplib's Headers,
// a multimap whose names compare without regard to case.
#include <httplib.h>

#include <functional>
#include <string>
#include <string_view>

namespace llmgw::daemon {

class Response {
public:
  // Writes the next piece of a streamed body with sink.write(), and after the last one
  // calls sink.done() (or writes nothing). False ends the body early: the client sees it
  // cut short.
  using Producer = std::function<bool(httplib::DataSink& sink)>;
  // Runs once the response is done with, told whether the whole streamed body went out.
  using Releaser = std::function<void(bool whole)>;

  Response() = default;
  ~Response();  // releases a stream that was not released
  Response(const Response&) = delete;
  Response& operator=(const Response&) = delete;

  int status = -1;  // -1: not set by any handler
  httplib::Headers headers;
  std::string body;

  bool has_header(std::string_view name) const;
  // The first value of field `name`, or "" without one.
  std::string get_header_value(std::string_view name) const;
  // Adds a field, unless its name or value holds a CR or an LF: a value taken from
  // elsewhere can never add a field or end the head.
  void set_header(const std::string& name, const std::string& value);
  // A whole body, and its Content-Type in place of any other; a stream set before is
  // released, not sent.
  void set_content(std::string content, const std::string& content_type);
  // A streamed body of `content_type`, produced by `produce`; `release` runs once the
  // response is done with. A stream set before is released, not sent.
  void stream(const std::string& content_type, Producer produce, Releaser release = nullptr);

  bool streamed() const { return static_cast<bool>(m_produce); }
  // One call of the producer (streamed() only).
  bool produce(httplib::DataSink& sink) { return m_produce(sink); }
  // Runs the releaser, once: told whether the whole streamed body went out.
  void release(bool whole);

private:
  Producer m_produce;
  Releaser m_release;
};

}  // namespace llmgw::daemon
