#pragma once
#include <optional>
#include <string>

namespace llmgw {

// Where the database lives: `flag` (--db) when given, else $LLMGW_DB, else
// $XDG_DATA_HOME/llmgw/llmgw.db, else $HOME/.local/share/llmgw/llmgw.db. Empty values
// count as unset. Throws Error(invalid) when none of them can be used.
std::string resolve_db_path(const std::optional<std::string>& flag);

}  // namespace llmgw
