#pragma once
// The pieces of HTTP/1.1 syntax (RFC 9110 5.6) that the heads llmgw reads (a client's
// request, a provider's response) and the requests it writes upstream share.
#include <string_view>

namespace llmgw::daemon {

// A space or a horizontal tab.
bool is_blank(char c);

// One or more token characters (tchar): what a method or a field name is made of.
bool is_token(std::string_view text);

// `text` without the blanks at either end.
std::string_view trim_blanks(std::string_view text);

}  // namespace llmgw::daemon
