#pragma once
// A property a fuzz target asserts. Not assert(): it must hold in every build type. A
// violation says which property and aborts, which libFuzzer reports as a crash, saving the
// input that caused it.
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition) \
  ((condition) ? static_cast<void>(0) : ::fuzz::violated(#condition, __FILE__, __LINE__))

namespace fuzz {

[[noreturn]] inline void violated(const char* property, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: property violated: %s\n", file, line, property);
  std::abort();
}

}  // namespace fuzz
