#include "cli/version.h"

#include "core/migrations.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

// LLMGW_COMMIT and LLMGW_BUILD_DATE are set for this file alone (cli/CMakeLists.txt), so
// that a new commit rebuilds one file.
namespace llmgw::cli {

std::string version_line() {
  return fmt::format("llmgw {} (commit {}, built {}, SQLite {})", LLMGW_VERSION, LLMGW_COMMIT,
                     LLMGW_BUILD_DATE, sqlite3_libversion());
}

nlohmann::json version_json() {
  return {{"version", LLMGW_VERSION},
          {"commit", LLMGW_COMMIT},
          {"build_date", LLMGW_BUILD_DATE},
          {"sqlite", sqlite3_libversion()},
          {"schema_version", latest_schema_version()}};
}

}  // namespace llmgw::cli
