#pragma once
// The llmgw::Error a piece of code throws, as a value a test can compare whole.
#include "core/error.h"

#include <optional>
#include <ostream>
#include <string>

namespace test {

struct Thrown {
  llmgw::ErrorKind kind;
  std::string message;

  bool operator==(const Thrown& o) const { return kind == o.kind && message == o.message; }
};

inline std::ostream& operator<<(std::ostream& out, const Thrown& t) {
  static constexpr const char* k_kinds[] = {"invalid", "not_found", "conflict", "io"};
  return out << k_kinds[static_cast<int>(t.kind)] << ": " << t.message;
}

inline std::ostream& operator<<(std::ostream& out, const std::optional<Thrown>& t) {
  return t ? out << *t : out << "nothing thrown";
}

// What `f` throws as an llmgw::Error; empty when it returns normally. Any other exception
// propagates and fails the test.
template <class F>
std::optional<Thrown> thrown_by(F&& f) {
  try {
    f();
  } catch (const llmgw::Error& e) {
    return Thrown{e.kind(), e.what()};
  }
  return std::nullopt;
}

inline Thrown invalid(std::string message) {
  return {llmgw::ErrorKind::invalid, std::move(message)};
}
inline Thrown not_found(std::string message) {
  return {llmgw::ErrorKind::not_found, std::move(message)};
}
inline Thrown conflict(std::string message) {
  return {llmgw::ErrorKind::conflict, std::move(message)};
}
inline Thrown io(std::string message) {
  return {llmgw::ErrorKind::io, std::move(message)};
}

}  // namespace test
