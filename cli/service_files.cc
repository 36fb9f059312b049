#include "cli/service_files.h"

#include "core/db_path.h"

#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace llmgw::cli {

namespace {

// Where systemd looks for a system unit, in its order of precedence.
constexpr const char* k_unit_paths[] = {
    "/etc/systemd/system/llmgw.service",
    "/usr/local/lib/systemd/system/llmgw.service",
    "/usr/lib/systemd/system/llmgw.service",
    "/lib/systemd/system/llmgw.service",
};
constexpr const char* k_environment_file = "/etc/llmgw/llmgw.env";

std::string trimmed(const std::string& text) {
  std::size_t first = text.find_first_not_of(" \t");
  std::size_t last = text.find_last_not_of(" \t\r");
  return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

// A value as systemd reads it from an assignment: one pair of quotes around it dropped.
std::string unquoted(std::string value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    return value.substr(1, value.size() - 2);
  }
  return value;
}

// LLMGW_DB in the unit's `Environment=LLMGW_DB=...` lines (the last one wins).
std::optional<std::string> unit_database(const std::string& unit) {
  std::ifstream in(unit);
  std::optional<std::string> found;
  const std::string prefix = "Environment=LLMGW_DB=";
  for (std::string line; std::getline(in, line);) {
    line = trimmed(line);
    if (line.rfind(prefix, 0) == 0) {
      found = unquoted(line.substr(prefix.size()));
    }
  }
  return found;
}

EnvironmentFile read_environment(const std::string& path, const struct stat& found) {
  EnvironmentFile file;
  file.path = path;
  file.mode = found.st_mode & 07777;
  std::ifstream in(path);
  file.readable = ::access(path.c_str(), R_OK) == 0 && in.is_open();
  for (std::string line; file.readable && std::getline(in, line);) {
    line = trimmed(line);
    std::size_t equals = line.find('=');
    if (line.empty() || line[0] == '#' || line[0] == ';' || equals == std::string::npos) {
      continue;
    }
    std::string name = trimmed(line.substr(0, equals));
    std::string value = unquoted(trimmed(line.substr(equals + 1)));
    if (value.empty()) {
      file.names.erase(name);
      continue;
    }
    file.names.insert(name);
    if (name == "LLMGW_DB") {
      file.database = value;
    }
  }
  return file;
}

}  // namespace

ServiceFiles find_service_files() {
  ServiceFiles files;
  for (const char* path : k_unit_paths) {
    if (is_regular_file(path)) {
      files.unit = path;
      break;
    }
  }
  struct stat found {};
  if (::stat(k_environment_file, &found) == 0 && S_ISREG(found.st_mode)) {
    files.environment = read_environment(k_environment_file, found);
  }
  std::optional<std::string> from_unit = files.unit ? unit_database(*files.unit) : std::nullopt;
  files.database = files.environment && files.environment->database ? *files.environment->database
                   : from_unit                                     ? *from_unit
                                                                   : std::string(k_service_database);
  return files;
}

}  // namespace llmgw::cli
