#pragma once
// The one exception type of llmgw. Its kind decides the CLI exit code and the daemon's
// HTTP status; its message is shown to the user as is, so it never carries a secret.
#include <stdexcept>
#include <string>

namespace llmgw {

enum class ErrorKind {
  invalid,    // bad input from the user: CLI exit 2, HTTP 400
  not_found,  // a named thing does not exist: exit 3, HTTP 404
  conflict,   // the request contradicts the current state: exit 4, HTTP 409
  io,         // the database or the file system failed: exit 1, HTTP 500
  cancelled,  // a person asked to confirm a change said no: exit 1
};

class Error : public std::runtime_error {
public:
  Error(ErrorKind kind, const std::string& message);
  ErrorKind kind() const { return m_kind; }

private:
  ErrorKind m_kind;
};

[[noreturn]] void throw_invalid(const std::string& message);
[[noreturn]] void throw_not_found(const std::string& message);
[[noreturn]] void throw_conflict(const std::string& message);
[[noreturn]] void throw_io(const std::string& message);

}  // namespace llmgw
