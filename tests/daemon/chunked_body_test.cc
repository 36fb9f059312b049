#include "daemon/http/chunked_body.h"

#include <doctest/doctest.h>

#include <string>

using namespace llmgw::daemon;

namespace {

// What a ChunkedBody makes of `wire` given in slices of `step` bytes, the bytes it did not
// use kept for the next call as a connection's buffer keeps them: the data, then "done",
// "incomplete" or the refusal.
std::string outcome(std::string_view wire, std::size_t step, std::string* left = nullptr) {
  ChunkedBody body;
  std::string pending;
  std::string data;
  try {
    for (std::size_t at = 0; at < wire.size() && !body.done(); at += step) {
      pending.append(wire.substr(at, step));
      pending.erase(0, body.decode(pending, data));
    }
  } catch (const MalformedChunks& error) {
    return data + " | " + error.what();
  }
  if (left != nullptr) {
    *left = pending;
  }
  return data + (body.done() ? " | done" : " | incomplete");
}

// The outcome of `wire`, the same whatever the slicing (else the first that differs).
std::string sliced(std::string_view wire) {
  const std::string whole = outcome(wire, wire.size() + 1);
  for (std::size_t step : {1, 2, 3, 7, 64}) {
    const std::string in_steps = outcome(wire, step);
    if (in_steps != whole) {
      return "slices of " + std::to_string(step) + ": " + in_steps;
    }
  }
  return whole;
}

}  // namespace

TEST_CASE("chunked body: data comes out whole, extensions and trailers read and dropped") {
  CHECK(sliced("5;name=value\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n") ==
        "hello 0123456789 | done");
  CHECK(sliced("5 ; a = b ; c ; d=\"q \\\" \tx\"\r\nhello\r\n0;last\r\n\r\n") == "hello | done");
  // Leading zeros are no limit; a size is below 2^64.
  CHECK(sliced("00000000000000000000005\r\nhello\r\n0\r\n\r\n") == "hello | done");
  CHECK(sliced("ffffffffffffffff\r\nabc") == "abc | incomplete");
  CHECK(sliced("10000000000000000\r\nabc") == " | bad chunk size");
  std::string left;
  CHECK(outcome("3\r\nabc\r\n0\r\n\r\nNEXT", 64, &left) == "abc | done");
  CHECK(left == "NEXT");
  CHECK(sliced("5\r\nhel") == "hel | incomplete");
  CHECK(sliced("5\r\nhello\r\n0\r\nX: y\r\n") == "hello | incomplete");
}

TEST_CASE("chunked body: a chunk-size line is 1*HEXDIG and extensions (RFC 9112 7.1.1)") {
  CHECK(sliced("zz\r\nhello\r\n") == " | bad chunk size");
  CHECK(sliced("\r\nhello\r\n") == " | bad chunk size");
  CHECK(sliced("5 \r\nhello\r\n0\r\n\r\n") == " | bad chunk extension");
  CHECK(sliced("5;\r\nhello\r\n0\r\n\r\n") == " | bad chunk extension");
  CHECK(sliced("5;a=\r\nhello\r\n0\r\n\r\n") == " | bad chunk extension");
  CHECK(sliced("5;a=b c\r\nhello\r\n0\r\n\r\n") == " | bad chunk extension");
  // A quoted string left open is refused at the line's end, not looked for beyond it.
  CHECK(sliced("5;a=\"b\r\nhel\"o\r\n0\r\n\r\n") == " | bad chunk extension");
  CHECK(sliced("0x\r\n\r\n") == " | bad chunk extension");
  CHECK(sliced("3\r\nhello\r\n0\r\n\r\n") == "hel | chunk data longer than its size");
  CHECK(sliced("3\r\nabc\rX") == "abc | chunk data longer than its size");
}

TEST_CASE("chunked body: every line ends in CRLF and holds no control character but a tab") {
  CHECK(sliced("5\nhello\r\n0\r\n\r\n") == " | a chunk-size or trailer line ends in a bare LF");
  CHECK(sliced("5\r\nhello\n0\r\n\r\n") == "hello | chunk data longer than its size");
  CHECK(sliced("5\r\nhello\r\n0\n\r\n") ==
        "hello | a chunk-size or trailer line ends in a bare LF");
  CHECK(sliced("5\r\nhello\r\n0\r\nX-T: t\n\r\n") ==
        "hello | a chunk-size or trailer line ends in a bare LF");
  CHECK(sliced("5\r\nhello\r\n0\r\n\n") == "hello | a chunk-size or trailer line ends in a bare LF");
  CHECK(sliced("5;x=y\rz\r\nhello\r\n0\r\n\r\n") ==
        " | a chunk-size or trailer line holds a control character");
  CHECK(sliced(std::string("5;x\0y\r\nhello\r\n0\r\n\r\n", 19)) ==
        " | a chunk-size or trailer line holds a control character");
  CHECK(sliced("5;x=\"a\x7f\"\r\nhello\r\n0\r\n\r\n") ==
        " | a chunk-size or trailer line holds a control character");
  CHECK(sliced("5\r\nhello\r\n0\r\nX-T: a\rb\r\n\r\n") ==
        "hello | a chunk-size or trailer line holds a control character");
  CHECK(sliced("5;x=\"a\tb\"\r\nhello\r\n0\r\n\r\n") == "hello | done");
}

TEST_CASE("chunked body: trailer lines are fields that do not frame the body") {
  CHECK(sliced("0\r\nA: b\r\n c\r\n\r\n") == " | bad trailer field");  // folded
  CHECK(sliced("0\r\n: x\r\n\r\n") == " | bad trailer field");
  CHECK(sliced("0\r\nA : x\r\n\r\n") == " | bad trailer field");
  CHECK(sliced("0\r\nno colon\r\n\r\n") == " | bad trailer field");
  CHECK(sliced("0\r\nContent-Length: 5\r\n\r\n") == " | bad trailer field");
  CHECK(sliced("0\r\ntransfer-encoding: chunked\r\n\r\n") == " | bad trailer field");
  CHECK(sliced("0\r\nConnection: a b\r\n\r\n") == " | bad trailer field");
  CHECK(sliced("0\r\nConnection: close, x\r\nEmpty:\r\n\r\n") == " | done");
}

TEST_CASE("chunked body: lines and the trailer section are bounded, whether their end came or "
          "not") {
  const std::string extension(k_max_chunk_line_bytes - 1, 'x');  // after "1;"
  CHECK(sliced("1;" + extension + "\r\na\r\n0\r\n\r\n") ==
        " | chunk-size or trailer line too long");
  CHECK(sliced("1;" + extension) == " | chunk-size or trailer line too long");
  CHECK(sliced("1;" + extension.substr(1) + "\r\na\r\n0\r\n\r\n") == "a | done");
  CHECK(sliced("0\r\nX: " + std::string(k_max_chunk_line_bytes, 'v')) ==
        " | chunk-size or trailer line too long");
  // Lines of 4,000 bytes, CRLF included: 16 fit in 64 KiB, 17 do not.
  const std::string field = "X: " + std::string(3995, 'v') + "\r\n";
  std::string trailer;
  for (int i = 0; i < 16; ++i) {
    trailer += field;
  }
  CHECK(sliced("0\r\n" + trailer + "\r\n") == " | done");
  CHECK(sliced("0\r\n" + trailer + field) == " | trailer section too large");
}
