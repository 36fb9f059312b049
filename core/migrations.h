#pragma once
// The schema, as forward-only steps. Step N brings `PRAGMA user_version` from N-1 to N;
// steps are never edited once released, only appended.
#include <SQLiteCpp/Database.h>

#include <string>

namespace llmgw {

// The schema version this binary writes.
int latest_schema_version();
int schema_version(SQLite::Database& db);

// Applies every missing step, each in its own BEGIN IMMEDIATE transaction, up to
// `target` (the latest when -1). Throws Error(io) when the database is newer than
// this binary knows, naming `path` and both versions.
void migrate(SQLite::Database& db, const std::string& path, int target = -1);

}  // namespace llmgw
