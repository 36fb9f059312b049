#include "core/migrations.h"

#include "core/error.h"

#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>

#include <iterator>

namespace llmgw {

namespace {

// Money columns hold picodollars (see core/money.h); times are Unix milliseconds, UTC.
constexpr const char* k_steps[] = {
    // 1: API keys.
    R"sql(
CREATE TABLE api_keys (
  id                 TEXT PRIMARY KEY,
  secret_hash        TEXT NOT NULL UNIQUE,
  prefix             TEXT NOT NULL,
  description        TEXT NOT NULL,
  status             TEXT NOT NULL CHECK (status IN ('active', 'disabled', 'deleted')),
  usage_limit        INTEGER CHECK (usage_limit >= 0),
  usage              INTEGER NOT NULL DEFAULT 0,
  period_limit       INTEGER CHECK (period_limit >= 0),
  period             TEXT,
  period_anchor      INTEGER,
  period_start       INTEGER,
  period_usage       INTEGER NOT NULL DEFAULT 0,
  expires_at         INTEGER,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  last_used_at       INTEGER,
  CHECK ((period_limit IS NULL) = (period IS NULL))
);
CREATE INDEX api_keys_by_created ON api_keys (created_at, id);
)sql",
    // 2: IAM rules, evaluated in (created_at, id) order.
    R"sql(
CREATE TABLE iam_rules (
  id          TEXT PRIMARY KEY,
  key_id      TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  type        TEXT NOT NULL CHECK (type IN ('allow_models', 'deny_models', 'allow_providers',
                                            'deny_providers', 'allow_pricing', 'deny_pricing')),
  value       TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
  created_at  INTEGER NOT NULL
);
CREATE INDEX iam_rules_by_key ON iam_rules (key_id, created_at, id);
)sql",
};

constexpr int k_latest = static_cast<int>(std::size(k_steps));

}  // namespace

int latest_schema_version() {
  return k_latest;
}

int schema_version(SQLite::Database& db) {
  return db.execAndGet("PRAGMA user_version").getInt();
}

void migrate(SQLite::Database& db, const std::string& path, int target) {
  if (target < 0) {
    target = k_latest;
  }
  auto refuse_newer = [&](int found) {
    if (found > k_latest) {
      throw_io(fmt::format(
          "database '{}' has schema version {}, but this llmgw ({}) knows only up to {}; "
          "use a newer llmgw",
          path, found, LLMGW_VERSION, k_latest));
    }
  };
  refuse_newer(schema_version(db));
  // Cheap check first: an up-to-date database takes no write lock.
  if (schema_version(db) >= target) {
    return;
  }
  while (true) {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    int version = schema_version(db);  // again, under the lock: another process may have won
    refuse_newer(version);
    if (version >= target) {
      return;
    }
    db.exec(k_steps[version]);
    db.exec(fmt::format("PRAGMA user_version = {}", version + 1));
    tx.commit();
  }
}

}  // namespace llmgw
