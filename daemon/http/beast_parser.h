#pragma once
// Beast's HTTP/1.1 parser (boost/beast/http) with callbacks that take nothing: each
// reader of this room (a request head, a response head, a chunked body) overrides those
// it needs. It needs no Asio event loop: the bytes are given to put().
#include <boost/beast/http/basic_parser.hpp>

#include <cstddef>
#include <cstdint>

namespace llmgw::daemon {

template <bool is_request>
class BeastParser : public boost::beast::http::basic_parser<is_request> {
protected:
  using View = boost::beast::string_view;
  using Error = boost::beast::error_code;
  using Verb = boost::beast::http::verb;
  using Field = boost::beast::http::field;

  void on_request_impl(Verb, View, View, int, Error&) override {}
  void on_response_impl(int, View, int, Error&) override {}
  void on_field_impl(Field, View, View, Error&) override {}
  void on_header_impl(Error&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, Error&) override {}
  std::size_t on_body_impl(View body, Error&) override { return body.size(); }
  void on_chunk_header_impl(std::uint64_t, View, Error&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, View body, Error&) override {
    return body.size();
  }
  void on_finish_impl(Error&) override {}
};

}  // namespace llmgw::daemon
