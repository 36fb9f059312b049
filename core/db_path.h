#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace llmgw {

// The database of the packaged service (llmgw.service: StateDirectory=llmgw).
inline constexpr std::string_view k_service_database = "/var/lib/llmgw/llmgw.db";

// What chose the database's path.
enum class DbSource { flag, environment, data_home, service, home };

struct DbLocation {
  std::string path;
  DbSource source;
};

// Where the database lives: `flag` (--db) when given, else $LLMGW_DB, else
// $XDG_DATA_HOME/llmgw/llmgw.db, else the packaged service's database when this user can
// see a file there, else $HOME/.local/share/llmgw/llmgw.db. Empty values count as unset.
// Throws Error(invalid) when none of them can be used.
DbLocation locate_database(const std::optional<std::string>& flag);

// The source's name for scripts, as `doctor --json` prints it: "flag", "environment",
// "data_home", "service", "home".
std::string_view to_string(DbSource source);

// Why the source was chosen, for people: "--db was given", "LLMGW_DB is set", ...
std::string_view describe(DbSource source);

// Whether a regular file is at `path` (false when it cannot be seen, too).
bool is_regular_file(const std::string& path);

}  // namespace llmgw
