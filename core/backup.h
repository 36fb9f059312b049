#pragma once
// A consistent copy of the database, taken while the daemon may be writing: VACUUM INTO
// reads one snapshot, so the copy holds exactly the transactions committed before it began.
#include "core/store.h"

#include <cstdint>
#include <string>

namespace llmgw {

enum class Overwrite { yes, no };

// Writes the copy to a temporary file (mode 0600) beside `path`, syncs it, and only then
// moves it to `path`, so a failed backup leaves no partial file and an old backup whole.
// Returns the size of the copy in bytes. Throws Error(conflict) when `path` exists and
// `overwrite` is no, Error(invalid) when `path` is the database itself, Error(io) when the
// file system fails.
std::int64_t backup_database(Store& store, const std::string& path, Overwrite overwrite);

}  // namespace llmgw
