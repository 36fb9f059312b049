#include "core/key_store.h"

#include "core/error.h"
#include "core/random.h"
#include "core/secret.h"

#include <fmt/format.h>

namespace llmgw {

namespace {

#define LLMGW_KEY_COLUMNS                                                                    \
  "id, prefix, description, status, usage_limit, usage, period_limit, period, "             \
  "period_anchor, period_start, period_usage, expires_at, created_at, updated_at, "         \
  "last_used_at, requests_per_minute, requests_per_day, tokens_per_minute, max_parallel"

constexpr const char* k_select_by_id = "SELECT " LLMGW_KEY_COLUMNS " FROM api_keys WHERE id = ?";
constexpr const char* k_select_by_hash =
    "SELECT " LLMGW_KEY_COLUMNS " FROM api_keys WHERE secret_hash = ?";
constexpr const char* k_select_all =
    "SELECT " LLMGW_KEY_COLUMNS " FROM api_keys ORDER BY created_at, id";
constexpr const char* k_select_live = "SELECT " LLMGW_KEY_COLUMNS
                                      " FROM api_keys WHERE status != 'deleted' "
                                      "ORDER BY created_at, id";

#undef LLMGW_KEY_COLUMNS

std::optional<std::int64_t> optional_int(const SQLite::Column& column) {
  if (column.isNull()) {
    return std::nullopt;
  }
  return column.getInt64();
}

ApiKey read_key(SQLite::Statement& row) {
  ApiKey key;
  key.id = row.getColumn(0).getString();
  key.prefix = row.getColumn(1).getString();
  key.description = row.getColumn(2).getString();
  key.status = parse_key_status(row.getColumn(3).getString());
  if (auto limit = optional_int(row.getColumn(4))) {
    key.usage_limit = Money::from_units(*limit);
  }
  key.usage = Money::from_units(row.getColumn(5).getInt64());
  if (auto amount = optional_int(row.getColumn(6))) {
    key.period_limit = PeriodLimit{
        Money::from_units(*amount),
        Period::parse(row.getColumn(7).getString()),
        row.getColumn(8).getInt64(),
        row.getColumn(9).getInt64(),
        Money::from_units(row.getColumn(10).getInt64()),
    };
  }
  key.expires_at = optional_int(row.getColumn(11));
  key.created_at = row.getColumn(12).getInt64();
  key.updated_at = row.getColumn(13).getInt64();
  key.last_used_at = optional_int(row.getColumn(14));
  key.traffic.requests_per_minute = optional_int(row.getColumn(15));
  key.traffic.requests_per_day = optional_int(row.getColumn(16));
  key.traffic.tokens_per_minute = optional_int(row.getColumn(17));
  key.traffic.max_parallel = optional_int(row.getColumn(18));
  return key;
}

template <class T, class F>
void bind_optional(SQLite::Statement& statement, int index, const std::optional<T>& value, F f) {
  if (value) {
    statement.bind(index, static_cast<std::int64_t>(f(*value)));
  } else {
    statement.bind(index);
  }
}

// Reads at most one row, then resets the statement so it holds no read snapshot open.
std::optional<ApiKey> read_one(SQLite::Statement& statement) {
  std::optional<ApiKey> key;
  if (statement.executeStep()) {
    key = read_key(statement);
  }
  statement.reset();
  return key;
}

PeriodLimit fresh_period_limit(const PeriodLimitSpec& spec, Timestamp now) {
  Timestamp anchor = spec.period.anchor_for(now);
  return PeriodLimit{spec.amount, spec.period, anchor, spec.period.window_at(anchor, now).start,
                     Money()};
}

void check_future_expiry(Timestamp expires_at, Timestamp now) {
  if (expires_at <= now) {
    throw_invalid(fmt::format("invalid expiry '{}': must be in the future", format_iso(expires_at)));
  }
}

}  // namespace

void check_new_key(const NewKey& key, Timestamp now) {
  validate_description(key.description);
  if (key.expires_at) {
    check_future_expiry(*key.expires_at, now);
  }
}

CreatedKey KeyStore::create(const NewKey& spec,
                            const std::function<void(const ApiKey&)>& in_transaction) {
  Timestamp now = m_clock.now();
  check_new_key(spec, now);
  CreatedKey created;
  created.secret = generate_secret();
  ApiKey& key = created.key;
  key.id = new_id("key");
  key.prefix = display_prefix(created.secret);
  key.description = spec.description;
  key.usage_limit = spec.usage_limit;
  if (spec.period_limit) {
    key.period_limit = fresh_period_limit(*spec.period_limit, now);
  }
  key.expires_at = spec.expires_at;
  key.traffic = spec.traffic;
  key.created_at = now;
  key.updated_at = now;

  auto tx = m_store.write_transaction();
  auto& insert = m_store.statement(
      "INSERT INTO api_keys (id, secret_hash, prefix, description, status, created_at, "
      "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, key.id);
  insert.bind(2, hash_secret(created.secret));
  insert.bind(3, key.prefix);
  insert.bind(4, key.description);
  insert.bind(5, std::string(to_string(key.status)));
  insert.bind(6, static_cast<std::int64_t>(now));
  insert.bind(7, static_cast<std::int64_t>(now));
  insert.exec();
  write(key);
  if (in_transaction) {
    in_transaction(key);
  }
  tx.commit();
  return created;
}

std::optional<ApiKey> KeyStore::find(const std::string& id) {
  auto& select = m_store.statement(k_select_by_id);
  select.bind(1, id);
  return read_one(select);
}

std::optional<ApiKey> KeyStore::find_by_secret(std::string_view secret) {
  auto& select = m_store.statement(k_select_by_hash);
  select.bind(1, hash_secret(secret));
  return read_one(select);
}

ApiKey KeyStore::get(const std::string& id) {
  auto key = find(id);
  if (!key) {
    throw_not_found(fmt::format("key '{}' not found", id));
  }
  return *key;
}

std::vector<ApiKey> KeyStore::list(IncludeDeleted include) {
  auto& select = m_store.statement(include == IncludeDeleted::yes ? k_select_all : k_select_live);
  std::vector<ApiKey> keys;
  while (select.executeStep()) {
    keys.push_back(read_key(select));
  }
  return keys;
}

ApiKey KeyStore::get_for_change(const std::string& id, std::string_view action) {
  ApiKey key = get(id);
  if (key.status == KeyStatus::deleted) {
    throw_conflict(fmt::format("key '{}' is deleted and cannot be {}", id, action));
  }
  return key;
}

ApiKey KeyStore::update(const std::string& id, const KeyChanges& changes) {
  if (changes.description) {
    validate_description(*changes.description);
  }
  auto tx = m_store.write_transaction();
  Timestamp now = m_clock.now();
  ApiKey key = get_for_change(id, "updated");
  if (changes.description) {
    key.description = *changes.description;
  }
  if (changes.usage_limit) {
    key.usage_limit = *changes.usage_limit;
  }
  if (changes.clear_period_limit) {
    key.period_limit.reset();
  } else if (changes.period && !(key.period_limit && key.period_limit->period == *changes.period)) {
    if (!changes.period_amount && !key.period_limit) {
      throw_invalid("--period needs --period-limit: the key has no period limit yet");
    }
    Money amount = changes.period_amount ? *changes.period_amount : key.period_limit->amount;
    key.period_limit = fresh_period_limit({amount, *changes.period}, now);
  } else if (changes.period_amount) {
    if (!key.period_limit) {
      throw_invalid("--period-limit needs --period: the key has no period limit yet");
    }
    key.period_limit->amount = *changes.period_amount;
  }
  if (changes.expires_at) {
    if (*changes.expires_at) {
      check_future_expiry(**changes.expires_at, now);
    }
    key.expires_at = *changes.expires_at;
  }
  for (auto [change, limit] :
       {std::pair{&changes.requests_per_minute, &key.traffic.requests_per_minute},
        std::pair{&changes.requests_per_day, &key.traffic.requests_per_day},
        std::pair{&changes.tokens_per_minute, &key.traffic.tokens_per_minute},
        std::pair{&changes.max_parallel, &key.traffic.max_parallel}}) {
    if (*change) {
      *limit = **change;
    }
  }
  key.updated_at = now;
  write(key);
  tx.commit();
  return key;
}

ApiKey KeyStore::enable(const std::string& id, std::optional<Timestamp> new_expiry) {
  auto tx = m_store.write_transaction();
  Timestamp now = m_clock.now();
  ApiKey key = get_for_change(id, "enabled");
  if (new_expiry) {
    check_future_expiry(*new_expiry, now);
    key.expires_at = new_expiry;
  }
  if (key.expired_at(now)) {
    throw_conflict(fmt::format("key '{}' expired at {}; enable it with a new expiry (--expires)",
                               id, format_iso(*key.expires_at)));
  }
  if (key.status == KeyStatus::active && !new_expiry) {
    return key;
  }
  key.status = KeyStatus::active;
  key.updated_at = now;
  write(key);
  tx.commit();
  return key;
}

ApiKey KeyStore::disable(const std::string& id) {
  auto tx = m_store.write_transaction();
  ApiKey key = get_for_change(id, "disabled");
  if (key.status == KeyStatus::disabled) {
    return key;
  }
  key.status = KeyStatus::disabled;
  key.updated_at = m_clock.now();
  write(key);
  tx.commit();
  return key;
}

std::optional<ApiKey> KeyStore::remove(const std::string& id, IfExists if_exists) {
  auto tx = m_store.write_transaction();
  std::optional<ApiKey> key = find(id);
  if (!key || key->status == KeyStatus::deleted) {
    if (if_exists == IfExists::yes) {
      return std::nullopt;
    }
    throw_not_found(key ? fmt::format("key '{}' is already deleted", id)
                        : fmt::format("key '{}' not found", id));
  }
  key->status = KeyStatus::deleted;
  key->updated_at = m_clock.now();
  write(*key);
  tx.commit();
  return key;
}

CreatedKey KeyStore::roll(const std::string& id) {
  auto tx = m_store.write_transaction();
  CreatedKey rolled{get_for_change(id, "rolled"), generate_secret()};
  rolled.key.prefix = display_prefix(rolled.secret);
  rolled.key.updated_at = m_clock.now();
  auto& set_secret =
      m_store.statement("UPDATE api_keys SET secret_hash = ?, prefix = ? WHERE id = ?");
  set_secret.bind(1, hash_secret(rolled.secret));
  set_secret.bind(2, rolled.key.prefix);
  set_secret.bind(3, id);
  set_secret.exec();
  write(rolled.key);
  tx.commit();
  return rolled;
}

void KeyStore::write(const ApiKey& key) {
  auto& update = m_store.statement(
      "UPDATE api_keys SET description = ?, status = ?, usage_limit = ?, usage = ?, "
      "period_limit = ?, period = ?, period_anchor = ?, period_start = ?, period_usage = ?, "
      "expires_at = ?, updated_at = ?, last_used_at = ?, requests_per_minute = ?, "
      "requests_per_day = ?, tokens_per_minute = ?, max_parallel = ? WHERE id = ?");
  const auto& p = key.period_limit;
  update.bind(1, key.description);
  update.bind(2, std::string(to_string(key.status)));
  bind_optional(update, 3, key.usage_limit, [](Money m) { return m.units(); });
  update.bind(4, static_cast<std::int64_t>(key.usage.units()));
  if (p) {
    update.bind(5, static_cast<std::int64_t>(p->amount.units()));
    update.bind(6, p->period.to_string());
    update.bind(7, static_cast<std::int64_t>(p->anchor));
    update.bind(8, static_cast<std::int64_t>(p->window_start));
    update.bind(9, static_cast<std::int64_t>(p->usage.units()));
  } else {
    for (int i = 5; i <= 8; ++i) {
      update.bind(i);
    }
    update.bind(9, static_cast<std::int64_t>(0));
  }
  bind_optional(update, 10, key.expires_at, [](Timestamp t) { return t; });
  update.bind(11, static_cast<std::int64_t>(key.updated_at));
  bind_optional(update, 12, key.last_used_at, [](Timestamp t) { return t; });
  const auto count = [](std::int64_t n) { return n; };
  bind_optional(update, 13, key.traffic.requests_per_minute, count);
  bind_optional(update, 14, key.traffic.requests_per_day, count);
  bind_optional(update, 15, key.traffic.tokens_per_minute, count);
  bind_optional(update, 16, key.traffic.max_parallel, count);
  update.bind(17, key.id);
  update.exec();
}

}  // namespace llmgw
