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
    // 3: the request log, and a counter that every change of configuration (not of usage)
    // bumps, so a running daemon reloads what it cached exactly when the CLI changed it.
    R"sql(
CREATE TABLE request_log (
  id                 INTEGER PRIMARY KEY,
  request_id         TEXT NOT NULL,
  time               INTEGER NOT NULL,
  key_id             TEXT NOT NULL,
  requested_model    TEXT NOT NULL,
  served_model       TEXT NOT NULL,
  provider           TEXT NOT NULL,
  status             INTEGER NOT NULL,
  error_code         TEXT NOT NULL,
  prompt_tokens      INTEGER NOT NULL,
  completion_tokens  INTEGER NOT NULL,
  cached_tokens      INTEGER NOT NULL,
  cost               INTEGER NOT NULL,
  estimated          INTEGER NOT NULL,
  streamed           INTEGER NOT NULL,
  cancelled          INTEGER NOT NULL,
  latency_ms         INTEGER NOT NULL,
  ttft_ms            INTEGER
);
CREATE INDEX request_log_by_time ON request_log (time);
CREATE INDEX request_log_by_key ON request_log (key_id, time);
CREATE TABLE config_version (
  only_row  INTEGER PRIMARY KEY CHECK (only_row = 1),
  version   INTEGER NOT NULL
);
INSERT INTO config_version VALUES (1, 1);
CREATE TRIGGER api_keys_insert AFTER INSERT ON api_keys
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER api_keys_delete AFTER DELETE ON api_keys
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER api_keys_update AFTER UPDATE OF id, secret_hash, prefix, description, status,
  usage_limit, period_limit, period, period_anchor, expires_at ON api_keys
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER iam_rules_insert AFTER INSERT ON iam_rules
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER iam_rules_delete AFTER DELETE ON iam_rules
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER iam_rules_update AFTER UPDATE ON iam_rules
  BEGIN UPDATE config_version SET version = version + 1; END;
)sql",
    // 4: the operator's catalog, as differences from the built-in one (core/catalog_store.h).
    // Prices are picodollars per token (core/price.h).
    R"sql(
CREATE TABLE catalog_providers (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  base_url     TEXT NOT NULL,
  api_key_env  TEXT NOT NULL,
  enabled      INTEGER NOT NULL CHECK (enabled IN (0, 1))
);
CREATE TABLE catalog_models (
  id       TEXT PRIMARY KEY,
  name     TEXT,
  removed  INTEGER NOT NULL CHECK (removed IN (0, 1)),
  CHECK (removed = 1 OR name IS NOT NULL)
);
CREATE TABLE catalog_mappings (
  model_id            TEXT NOT NULL,
  provider            TEXT NOT NULL,
  removed             INTEGER NOT NULL CHECK (removed IN (0, 1)),
  upstream_model      TEXT,
  input_price         INTEGER CHECK (input_price >= 0),
  output_price        INTEGER CHECK (output_price >= 0),
  cached_input_price  INTEGER CHECK (cached_input_price >= 0),
  context_size        INTEGER,
  max_output_tokens   INTEGER,
  streaming           INTEGER,
  PRIMARY KEY (model_id, provider),
  CHECK (removed = 1 OR (upstream_model IS NOT NULL AND input_price IS NOT NULL AND
                         output_price IS NOT NULL AND cached_input_price IS NOT NULL AND
                         context_size IS NOT NULL AND max_output_tokens IS NOT NULL AND
                         streaming IS NOT NULL))
);
CREATE TRIGGER catalog_providers_insert AFTER INSERT ON catalog_providers
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER catalog_providers_delete AFTER DELETE ON catalog_providers
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER catalog_providers_update AFTER UPDATE ON catalog_providers
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER catalog_models_insert AFTER INSERT ON catalog_models
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER catalog_models_delete AFTER DELETE ON catalog_models
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER catalog_models_update AFTER UPDATE ON catalog_models
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER catalog_mappings_insert AFTER INSERT ON catalog_mappings
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER catalog_mappings_delete AFTER DELETE ON catalog_mappings
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER catalog_mappings_update AFTER UPDATE ON catalog_mappings
  BEGIN UPDATE config_version SET version = version + 1; END;
)sql",
    // 5: hourly usage roll-ups for reports (core/usage_report.h). Each log row adds to one
    // roll-up row per scope: all keys, per key, per model, per provider, per key and model,
    // per key and provider. Dimensions a scope does not group by hold ''. The trigger keeps
    // them in the statement that inserts the log row, so no writer can skip them, and this
    // step backfills the rows logged before it. The log is append-only.
    R"sql(
CREATE TABLE usage_scopes (
  scope        TEXT PRIMARY KEY,
  by_key       INTEGER NOT NULL,
  by_model     INTEGER NOT NULL,
  by_provider  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO usage_scopes VALUES ('total', 0, 0, 0), ('key', 1, 0, 0), ('model', 0, 1, 0),
  ('provider', 0, 0, 1), ('key_model', 1, 1, 0), ('key_provider', 1, 0, 1);
-- Each log row once per scope, as the roll-up sees it. A request's model is the served
-- model, or the requested one when nothing was served.
CREATE VIEW usage_facts AS
SELECT l.id AS log_id, l.time AS time, s.scope AS scope,
  CASE WHEN s.by_key THEN l.key_id ELSE '' END AS key_id,
  l.time - l.time % 3600000 AS hour,
  CASE WHEN NOT s.by_model THEN '' WHEN l.served_model = '' THEN l.requested_model
       ELSE l.served_model END AS model,
  CASE WHEN s.by_provider THEN l.provider ELSE '' END AS provider,
  l.status >= 400 AS error, l.prompt_tokens AS prompt_tokens,
  l.completion_tokens AS completion_tokens, l.cached_tokens AS cached_tokens, l.cost AS cost
FROM request_log AS l CROSS JOIN usage_scopes AS s;
CREATE TABLE usage_rollup (
  scope              TEXT NOT NULL,
  key_id             TEXT NOT NULL,
  hour               INTEGER NOT NULL,
  model              TEXT NOT NULL,
  provider           TEXT NOT NULL,
  requests           INTEGER NOT NULL,
  errors             INTEGER NOT NULL,
  prompt_tokens      INTEGER NOT NULL,
  completion_tokens  INTEGER NOT NULL,
  cached_tokens      INTEGER NOT NULL,
  cost               INTEGER NOT NULL,
  PRIMARY KEY (scope, key_id, hour, model, provider)
) WITHOUT ROWID;
INSERT INTO usage_rollup
SELECT scope, key_id, hour, model, provider, count(*), sum(error), sum(prompt_tokens),
       sum(completion_tokens), sum(cached_tokens), sum(cost)
FROM usage_facts GROUP BY scope, key_id, hour, model, provider;
CREATE TRIGGER request_log_rollup AFTER INSERT ON request_log BEGIN
  INSERT INTO usage_rollup
  SELECT scope, key_id, hour, model, provider, 1, error, prompt_tokens, completion_tokens,
         cached_tokens, cost
  FROM usage_facts WHERE log_id = NEW.id
  ON CONFLICT DO UPDATE SET requests = requests + excluded.requests,
    errors = errors + excluded.errors, prompt_tokens = prompt_tokens + excluded.prompt_tokens,
    completion_tokens = completion_tokens + excluded.completion_tokens,
    cached_tokens = cached_tokens + excluded.cached_tokens, cost = cost + excluded.cost;
END;
)sql",
    // 6: the ledger (core/usage.h), the log's only writer, adds each committed batch to the
    // roll-ups with one upsert per roll-up row instead of six upserts per log row.
    R"sql(
DROP TRIGGER request_log_rollup;
)sql",
    // 7: roll-ups leave the commit of each request: they are added later, in larger steps
    // (core/usage_rollup.h), and this row says how far. Every log row up to it is in
    // usage_rollup, every later one is not; step 6 kept them all rolled up.
    R"sql(
CREATE TABLE usage_rollup_progress (
  only_row  INTEGER PRIMARY KEY CHECK (only_row = 1),
  log_id    INTEGER NOT NULL
);
INSERT INTO usage_rollup_progress SELECT 1, coalesce(max(id), 0) FROM request_log;
)sql",
    // 8: usage and costs stay exact 64-bit integers. SQLite turns an integer sum that
    // overflows into an inexact REAL, which no reader expects; the ledger sums with checked
    // arithmetic (core/usage.h), and these triggers refuse a non-integer from any writer.
    // A usage that became a REAL before this step had passed the largest amount: it is kept
    // at the largest amount (CAST saturates), past every limit.
    R"sql(
UPDATE api_keys SET usage = CAST(usage AS INTEGER) WHERE typeof(usage) <> 'integer';
UPDATE api_keys SET period_usage = CAST(period_usage AS INTEGER)
  WHERE typeof(period_usage) <> 'integer';
CREATE TRIGGER api_keys_usage_insert BEFORE INSERT ON api_keys
  WHEN typeof(NEW.usage) <> 'integer' OR typeof(NEW.period_usage) <> 'integer'
  BEGIN SELECT RAISE(ABORT, 'usage must be an integer number of picodollars'); END;
CREATE TRIGGER api_keys_usage_update BEFORE UPDATE OF usage, period_usage ON api_keys
  WHEN typeof(NEW.usage) <> 'integer' OR typeof(NEW.period_usage) <> 'integer'
  BEGIN SELECT RAISE(ABORT, 'usage must be an integer number of picodollars'); END;
CREATE TRIGGER request_log_cost_insert BEFORE INSERT ON request_log
  WHEN typeof(NEW.cost) <> 'integer'
  BEGIN SELECT RAISE(ABORT, 'cost must be an integer number of picodollars'); END;
)sql",
    // 9: the API a provider speaks (core/catalog.h). Every provider the operator set before
    // spoke the OpenAI-compatible one.
    R"sql(
ALTER TABLE catalog_providers ADD COLUMN kind TEXT NOT NULL DEFAULT 'openai'
  CHECK (kind IN ('openai', 'anthropic'));
)sql",
    // 10: the parts of a request's tokens (core/wire/token_usage.h): prompt tokens written to the
    // provider's cache for 5 minutes or an hour, and completion tokens spent reasoning.
    // Rows logged before this step had none that llmgw knew of.
    R"sql(
ALTER TABLE request_log ADD COLUMN cache_write_5m_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE request_log ADD COLUMN cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE request_log ADD COLUMN reasoning_tokens INTEGER NOT NULL DEFAULT 0;
)sql",
    // 11: the roll-ups add up cache writes (5 minutes and an hour together) and reasoning
    // tokens too: the rows rolled up so far get them from the log (step 10 logged them).
    R"sql(
ALTER TABLE usage_rollup ADD COLUMN cache_write_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_rollup ADD COLUMN reasoning_tokens INTEGER NOT NULL DEFAULT 0;
DROP VIEW usage_facts;
CREATE VIEW usage_facts AS
SELECT l.id AS log_id, l.time AS time, s.scope AS scope,
  CASE WHEN s.by_key THEN l.key_id ELSE '' END AS key_id,
  l.time - l.time % 3600000 AS hour,
  CASE WHEN NOT s.by_model THEN '' WHEN l.served_model = '' THEN l.requested_model
       ELSE l.served_model END AS model,
  CASE WHEN s.by_provider THEN l.provider ELSE '' END AS provider,
  l.status >= 400 AS error, l.prompt_tokens AS prompt_tokens,
  l.completion_tokens AS completion_tokens, l.cached_tokens AS cached_tokens,
  l.cache_write_5m_tokens + l.cache_write_1h_tokens AS cache_write_tokens,
  l.reasoning_tokens AS reasoning_tokens, l.cost AS cost
FROM request_log AS l CROSS JOIN usage_scopes AS s;
CREATE TEMP TABLE rolled_up_parts AS
SELECT scope, key_id, hour, model, provider, sum(cache_write_tokens) AS cache_write_tokens,
       sum(reasoning_tokens) AS reasoning_tokens
FROM usage_facts
WHERE log_id <= (SELECT log_id FROM usage_rollup_progress)
  AND (cache_write_tokens > 0 OR reasoning_tokens > 0)
GROUP BY scope, key_id, hour, model, provider;
UPDATE usage_rollup SET cache_write_tokens = p.cache_write_tokens,
  reasoning_tokens = p.reasoning_tokens
FROM rolled_up_parts AS p
WHERE usage_rollup.scope = p.scope AND usage_rollup.key_id = p.key_id
  AND usage_rollup.hour = p.hour AND usage_rollup.model = p.model
  AND usage_rollup.provider = p.provider;
DROP TABLE rolled_up_parts;
)sql",
    // 12: a mapping's prices of prompt tokens written to the provider's cache, for 5
    // minutes and for an hour (picodollars per token); NULL: the default, from the input
    // price (core/catalog.h).
    R"sql(
ALTER TABLE catalog_mappings ADD COLUMN cache_write_price INTEGER
  CHECK (cache_write_price >= 0);
ALTER TABLE catalog_mappings ADD COLUMN cache_write_1h_price INTEGER
  CHECK (cache_write_1h_price >= 0);
)sql",
    // 13: a mapping's long-context tier (core/catalog.h): above how many prompt tokens a
    // request is priced whole at these input and output prices; NULL: no tier.
    R"sql(
ALTER TABLE catalog_mappings ADD COLUMN long_context_above INTEGER
  CHECK (long_context_above >= 1);
ALTER TABLE catalog_mappings ADD COLUMN long_context_input_price INTEGER
  CHECK (long_context_input_price >= 0);
ALTER TABLE catalog_mappings ADD COLUMN long_context_output_price INTEGER
  CHECK (long_context_output_price >= 0);
)sql",
    // 14: the built-in `anthropic` provider speaks Anthropic's own Messages API (chat
    // requests reach it translated), where the operator left it at the OpenAI-compatible
    // endpoint the built-in catalog gave it before.
    R"sql(
UPDATE catalog_providers SET kind = 'anthropic', base_url = 'https://api.anthropic.com'
  WHERE id = 'anthropic' AND kind = 'openai' AND base_url = 'https://api.anthropic.com/v1';
)sql",
    // 15: whether a provider also serves OpenAI's Responses API. The built-in `openai`
    // provider does, where the operator left its base URL at OpenAI's.
    R"sql(
ALTER TABLE catalog_providers ADD COLUMN responses INTEGER NOT NULL DEFAULT 0
  CHECK (responses IN (0, 1));
UPDATE catalog_providers SET responses = 1
  WHERE id = 'openai' AND kind = 'openai' AND base_url = 'https://api.openai.com/v1';
)sql",
    // 16: which endpoint a request came to (its path; '' for rows logged before this step),
    // and the id of the response a Responses request made, which ties a stored response
    // to the key that made it.
    R"sql(
ALTER TABLE request_log ADD COLUMN endpoint TEXT NOT NULL DEFAULT '';
ALTER TABLE request_log ADD COLUMN response_id TEXT;
CREATE INDEX request_log_response_id ON request_log (response_id)
  WHERE response_id IS NOT NULL;
)sql",
    // 17: the client's address (the socket's peer, or what trusted proxies say), NULL for
    // rows logged before this step.
    R"sql(
ALTER TABLE request_log ADD COLUMN client_address TEXT;
)sql",
    // 18: rules on the client's address, allow_ips and deny_ips. SQLite cannot widen a
    // CHECK in place: the table is copied into one that allows them, with its index and
    // triggers.
    R"sql(
CREATE TABLE iam_rules_18 (
  id          TEXT PRIMARY KEY,
  key_id      TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  type        TEXT NOT NULL CHECK (type IN ('allow_models', 'deny_models', 'allow_providers',
                                            'deny_providers', 'allow_pricing', 'deny_pricing',
                                            'allow_ips', 'deny_ips')),
  value       TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
  created_at  INTEGER NOT NULL
);
INSERT INTO iam_rules_18 (id, key_id, type, value, status, created_at)
  SELECT id, key_id, type, value, status, created_at FROM iam_rules;
DROP TABLE iam_rules;
ALTER TABLE iam_rules_18 RENAME TO iam_rules;
CREATE INDEX iam_rules_by_key ON iam_rules (key_id, created_at, id);
CREATE TRIGGER iam_rules_insert AFTER INSERT ON iam_rules
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER iam_rules_delete AFTER DELETE ON iam_rules
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER iam_rules_update AFTER UPDATE ON iam_rules
  BEGIN UPDATE config_version SET version = version + 1; END;
UPDATE config_version SET version = version + 1;
)sql",
    // 19: per-key traffic limits (NULL: none), enforced in the daemon's memory; changing
    // one is a change of configuration.
    R"sql(
ALTER TABLE api_keys ADD COLUMN requests_per_minute INTEGER CHECK (requests_per_minute > 0);
ALTER TABLE api_keys ADD COLUMN requests_per_day INTEGER CHECK (requests_per_day > 0);
ALTER TABLE api_keys ADD COLUMN tokens_per_minute INTEGER CHECK (tokens_per_minute > 0);
ALTER TABLE api_keys ADD COLUMN max_parallel INTEGER CHECK (max_parallel > 0);
CREATE TRIGGER api_keys_traffic_update AFTER UPDATE OF requests_per_minute, requests_per_day,
  tokens_per_minute, max_parallel ON api_keys
  BEGIN UPDATE config_version SET version = version + 1; END;
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
