#pragma once
// What `llmgw --version` and `llmgw version` say: the release, the commit and the day the
// binary was built from, and the SQLite library it runs on.
#include <nlohmann/json_fwd.hpp>

#include <string>

namespace llmgw::cli {

// "llmgw 0.1.0 (commit abc1234, built 2026-12-07, SQLite 3.40.1)"; the commit is "unknown"
// for a build outside a git checkout.
std::string version_line();
// {"version", "commit", "build_date", "sqlite", "schema_version"}.
nlohmann::json version_json();

}  // namespace llmgw::cli
