#pragma once
// One hexadecimal digit, as JSON's \u escapes and HTTP's chunk sizes write them.

namespace llmgw {

// The value of `c` as a hexadecimal digit (either case), or -1 when it is not one.
int hex_digit_value(char c);

}  // namespace llmgw
