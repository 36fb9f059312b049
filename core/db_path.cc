#include "core/db_path.h"

#include "core/error.h"

#include <cstdlib>

namespace llmgw {

namespace {

std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  return std::string(value);
}

}  // namespace

std::string resolve_db_path(const std::optional<std::string>& flag) {
  if (flag) {
    if (flag->empty()) {
      throw_invalid("--db needs a path");
    }
    return *flag;
  }
  if (auto path = env("LLMGW_DB")) {
    return *path;
  }
  if (auto data_home = env("XDG_DATA_HOME")) {
    return *data_home + "/llmgw/llmgw.db";
  }
  if (auto home = env("HOME")) {
    return *home + "/.local/share/llmgw/llmgw.db";
  }
  throw_invalid("no database path: give --db PATH or set LLMGW_DB, XDG_DATA_HOME or HOME");
}

}  // namespace llmgw
