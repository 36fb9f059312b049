#include "core/db_path.h"

#include "core/error.h"

#include <cstdlib>
#include <sys/stat.h>

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

bool is_regular_file(const std::string& path) {
  struct stat found {};
  return ::stat(path.c_str(), &found) == 0 && S_ISREG(found.st_mode);
}

DbLocation locate_database(const std::optional<std::string>& flag) {
  if (flag) {
    if (flag->empty()) {
      throw_invalid("--db needs a path");
    }
    return {*flag, DbSource::flag};
  }
  if (auto path = env("LLMGW_DB")) {
    return {*path, DbSource::environment};
  }
  if (auto data_home = env("XDG_DATA_HOME")) {
    return {*data_home + "/llmgw/llmgw.db", DbSource::data_home};
  }
  // On a machine with the package, an admin command as root meets the gateway's data
  // rather than an empty database of its own; other users cannot see the state folder.
  if (std::string service(k_service_database); is_regular_file(service)) {
    return {service, DbSource::service};
  }
  if (auto home = env("HOME")) {
    return {*home + "/.local/share/llmgw/llmgw.db", DbSource::home};
  }
  throw_invalid("no database path: give --db PATH or set LLMGW_DB, XDG_DATA_HOME or HOME");
}

std::string_view to_string(DbSource source) {
  switch (source) {
    case DbSource::flag:
      return "flag";
    case DbSource::environment:
      return "environment";
    case DbSource::data_home:
      return "data_home";
    case DbSource::service:
      return "service";
    case DbSource::home:
      return "home";
  }
  return "";
}

std::string_view describe(DbSource source) {
  switch (source) {
    case DbSource::flag:
      return "--db was given";
    case DbSource::environment:
      return "LLMGW_DB is set";
    case DbSource::data_home:
      return "XDG_DATA_HOME is set, and neither --db nor LLMGW_DB";
    case DbSource::service:
      return "the packaged service's database, since neither --db, LLMGW_DB nor XDG_DATA_HOME is set";
    case DbSource::home:
      return "the default under $HOME, since neither --db, LLMGW_DB nor XDG_DATA_HOME is set";
  }
  return "";
}

}  // namespace llmgw
