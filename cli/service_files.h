#pragma once
// What the packaged service (packaging/llmgw.service.in) finds on this machine: its unit,
// its environment file, and the database it would use. Names only: no value of the
// environment file is kept but LLMGW_DB's.
#include <optional>
#include <set>
#include <string>

namespace llmgw::cli {

struct EnvironmentFile {
  std::string path;
  unsigned mode = 0;     // permission bits
  bool readable = false;  // by this user
  std::set<std::string> names;  // variables it sets to something (when readable)
  std::optional<std::string> database;  // its LLMGW_DB (when readable and set)
};

struct ServiceFiles {
  std::optional<std::string> unit;  // the llmgw.service systemd would load
  std::optional<EnvironmentFile> environment;  // /etc/llmgw/llmgw.env, when present
  std::string database;  // what the service serves: LLMGW_DB of the file, else of the unit
};

ServiceFiles find_service_files();

}  // namespace llmgw::cli
