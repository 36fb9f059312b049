#pragma once
// The pieces of HTTP/1.1 syntax (RFC 9110 5.6) that the heads llmgw reads (a client's
// request, a provider's response) and the requests it writes upstream share.
#include <string_view>

namespace llmgw::daemon {

// A space or a horizontal tab.
bool is_blank(char c);

// One or more token characters (tchar): what a method or a field name is made of.
bool is_token(std::string_view text);

// A control character other than a tab (RFC 9110 5.5), which no field line llmgw reads may
// hold: a NUL or a bare CR is where a proxy may cut a value, or not.
bool is_control_but_tab(char c);

// Whether `line` (without its line end) is a field line as llmgw reads it: a token, a
// colon, a value, and no control character but a tab. So no folded line (it starts with
// a blank) and no blank before the colon.
bool is_field_line(std::string_view line);

// `text` without the blanks at either end.
std::string_view trim_blanks(std::string_view text);

// Calls `each(element)` for every element of a comma-separated list (RFC 9110 5.6.1), such
// as a Connection header's value: blanks trimmed, empty elements skipped.
template <typename Each>
void for_each_list_element(std::string_view list, Each each) {
  for (;;) {
    auto comma = list.find(',');
    std::string_view element = trim_blanks(list.substr(0, comma));
    if (!element.empty()) {
      each(element);
    }
    if (comma == std::string_view::npos) {
      return;
    }
    list.remove_prefix(comma + 1);
  }
}

}  // namespace llmgw::daemon
