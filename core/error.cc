#include "core/error.h"

namespace llmgw {

Error::Error(ErrorKind kind, const std::string& message)
    : std::runtime_error(message), m_kind(kind) {}

void throw_invalid(const std::string& message) {
  throw Error(ErrorKind::invalid, message);
}

void throw_not_found(const std::string& message) {
  throw Error(ErrorKind::not_found, message);
}

void throw_conflict(const std::string& message) {
  throw Error(ErrorKind::conflict, message);
}

void throw_io(const std::string& message) {
  throw Error(ErrorKind::io, message);
}

}  // namespace llmgw
