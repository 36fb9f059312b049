#pragma once
// What a client's request broke, for its answer to say: a bound of its connection (the
// read that met it fails), or a rule of its head. The framing rules are the ones a front
// proxy may read otherwise than llmgw, which is how requests are smuggled: nothing after
// such a head on its connection can be trusted.
namespace llmgw::daemon {

enum class Breach {
  none,
  head_timeout,
  body_timeout,
  head_too_large,
  body_too_large,
  malformed_head,       // a request line or header line not well formed, or a head cut short
  length_and_coding,    // Content-Length and Transfer-Encoding both
  several_lengths,      // more than one Content-Length field
  length_not_a_number,  // a Content-Length that is not 1 to 18 digits
  several_codings,      // more than one Transfer-Encoding field
  coding_not_chunked,   // a Transfer-Encoding other than "chunked"
};

}  // namespace llmgw::daemon
