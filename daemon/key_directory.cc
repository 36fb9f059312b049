#include "daemon/key_directory.h"

#include "core/key_store.h"
#include "core/refusal.h"
#include "core/rule_store.h"
#include "core/secret.h"


namespace llmgw::daemon {

namespace {

// A clock for the stores, which only read here.
const SystemClock k_clock;

}  // namespace

KeyDirectory::KeyDirectory(const std::string& db_path)
    : m_store(db_path), m_change_stamp(db_path) {
  refresh();
}

std::optional<std::int64_t> KeyDirectory::read_config_version_locked() {
  auto& select = m_store.statement("SELECT version FROM config_version");
  std::optional<std::int64_t> version;
  if (select.executeStep()) {
    version = select.getColumn(0).getInt64();
  }
  select.reset();
  return version;
}

void KeyDirectory::saw_stamp(std::uint64_t stamp, Clock::time_point now) {
  m_seen_stamp.store(stamp, std::memory_order_release);
  m_recheck_at.store((now + k_recheck_interval).time_since_epoch().count(),
                     std::memory_order_relaxed);
}

void KeyDirectory::refresh() {
  // The stamp is read before the row: a CLI renews it after its commit, so a stamp seen
  // here comes with every commit made before it. It counts as seen only once the cache
  // is known to hold what the row says: requests that come while another one reloads
  // must not pass the stamp check before the reload is done.
  const std::uint64_t stamp = m_change_stamp.read();
  const Clock::time_point now = Clock::now();
  if (m_change_stamp.usable() && stamp == m_seen_stamp.load(std::memory_order_acquire) &&
      now.time_since_epoch().count() < m_recheck_at.load(std::memory_order_relaxed)) {
    return;
  }
  {
    std::lock_guard<CheckedMutex> db(m_db_mutex);
    if (read_config_version_locked().value_or(0) == m_config_version) {
      saw_stamp(stamp, now);
      return;
    }
  }
  // The configuration changed: reload under the commit lock, so accounts read from the
  // database and the accountant's in-memory settlements cannot overlap.
  std::lock_guard<CheckedMutex> commit(m_commit_mutex);
  std::lock_guard<CheckedMutex> db(m_db_mutex);
  m_config_version = read_config_version_locked().value_or(0);
  auto catalog = std::make_shared<const Catalog>(load_catalog(m_store));
  std::lock_guard<CheckedMutex> lock(m_mutex);
  m_catalog = std::move(catalog);
  m_by_hash.clear();
  reload_accounts_locked();
  saw_stamp(stamp, now);
}

void KeyDirectory::reload_accounts_locked() {
  // REQUIRES: m_commit_mutex, m_db_mutex and m_mutex held.
  for (auto& [id, account] : m_accounts) {
    KeyStore keys(m_store, k_clock);
    if (auto key = keys.find(id)) {
      Account in_flight = account;
      account = account_of(*key);
      account.reserved = in_flight.reserved;
      account.capped_in_flight = in_flight.capped_in_flight;
    }
  }
}

std::shared_ptr<const Catalog> KeyDirectory::catalog() {
  std::lock_guard<CheckedMutex> lock(m_mutex);
  return m_catalog;
}

std::shared_ptr<const KeyConfig> KeyDirectory::find(const std::string& secret) {
  std::string hash = hash_secret(secret);
  {
    std::lock_guard<CheckedMutex> lock(m_mutex);
    auto found = m_by_hash.find(hash);
    if (found != m_by_hash.end()) {
      return found->second;
    }
  }
  // No commit lock here, so unknown keys cannot stall the accountant: an account is only
  // ever created here, before any request of its key can be admitted and settled.
  std::lock_guard<CheckedMutex> db(m_db_mutex);
  KeyStore keys(m_store, k_clock);
  std::optional<ApiKey> key = keys.find_by_secret(secret);
  if (!key) {
    return nullptr;
  }
  auto config = std::make_shared<KeyConfig>();
  for (Rule& rule : RuleStore(m_store, k_clock).list(key->id)) {
    if (rule.active) {
      config->rules.push_back(std::move(rule));
    }
  }
  config->key = std::move(*key);
  std::lock_guard<CheckedMutex> lock(m_mutex);
  if (m_accounts.find(config->key.id) == m_accounts.end()) {
    m_accounts[config->key.id] = account_of(config->key);
  }
  m_by_hash[hash] = config;
  return config;
}

KeyDirectory::Account KeyDirectory::account_of(const ApiKey& key) {
  const auto& period = key.period_limit;
  return Account{key.usage, period ? period->usage : Money(), period ? period->window_start : 0,
                 key.last_used_at, Money(), Capped::no};
}

KeyDirectory::Account& KeyDirectory::account_locked(const KeyConfig& config) {
  // find() creates the account of every key it returns; accounts are never dropped.
  return m_accounts.at(config.key.id);
}

Money KeyDirectory::period_usage_locked(const KeyConfig& config, const Account& account,
                                        Timestamp now) const {
  const auto& limit = config.key.period_limit;
  if (!limit) {
    return Money();
  }
  return limit->window_at(now).start == account.window_start ? account.period_usage : Money();
}

Reservation KeyDirectory::admit(const KeyConfig& config, Money estimate, Timestamp now) {
  std::lock_guard<CheckedMutex> lock(m_mutex);
  Account& account = account_locked(config);
  const ApiKey& key = config.key;
  Money period_usage = period_usage_locked(config, account, now);
  if (auto refusal = budget_refusal(key, account.usage, period_usage, account.reserved, now)) {
    throw HttpError(refusal->status, refusal->code, refusal->message, refusal->extra);
  }
  // What is left of the tighter budget caps the reservation.
  std::optional<Money> remaining;
  if (key.usage_limit) {
    remaining = *key.usage_limit - account.usage - account.reserved;
  }
  if (key.period_limit) {
    Money left = key.period_limit->amount - period_usage - account.reserved;
    remaining = remaining ? std::min(*remaining, left) : left;
  }
  if (!remaining || estimate <= *remaining) {
    account.reserved += estimate;
    return Reservation{key.id, estimate, Capped::no};
  }
  // Capped: the request may cost up to `estimate`. What room other requests free by
  // costing less than they reserved stays for it until it settles.
  if (account.capped_in_flight == Capped::yes) {
    // `estimate` passes what remains of one budget at least: that one refuses.
    auto refusal =
        capped_refusal(key, account.usage, period_usage, account.reserved, estimate, now);
    throw HttpError(refusal->status, refusal->code, refusal->message, refusal->extra);
  }
  account.capped_in_flight = Capped::yes;
  account.reserved += *remaining;
  return Reservation{key.id, *remaining, Capped::yes};
}

void KeyDirectory::settle(const Reservation& reservation,
                          const std::optional<KeyUsage>& committed) {
  std::lock_guard<CheckedMutex> lock(m_mutex);
  auto found = m_accounts.find(reservation.key_id);
  if (found == m_accounts.end()) {
    return;
  }
  Account& account = found->second;
  account.reserved -= reservation.amount;
  if (reservation.capped == Capped::yes) {
    account.capped_in_flight = Capped::no;
  }
  if (committed) {
    account.usage = committed->usage;
    account.period_usage = committed->period_usage;
    account.window_start = committed->period_start;
    account.last_used_at = committed->last_used_at;
  }
}

KeyDirectory::Balance KeyDirectory::balance(const KeyConfig& config, Timestamp now) {
  std::lock_guard<CheckedMutex> lock(m_mutex);
  Account& account = account_locked(config);
  return {account.usage, period_usage_locked(config, account, now), account.reserved,
          account.last_used_at};
}

bool KeyDirectory::database_ready() {
  std::lock_guard<CheckedMutex> db(m_db_mutex);
  try {
    return read_config_version_locked().has_value();
  } catch (const std::exception&) {
    return false;
  }
}

UsageTotals KeyDirectory::committed_usage(const std::string& key_id) {
  UsageQuery query;
  query.key_id = key_id;
  std::lock_guard<CheckedMutex> db(m_db_mutex);
  return usage_report(m_store, query).total;
}

std::optional<KeyDirectory::ResponseMaker> KeyDirectory::response_maker(
    const std::string& response_id) {
  std::lock_guard<CheckedMutex> db(m_db_mutex);
  auto& select = m_store.statement(
      "SELECT key_id, provider FROM request_log WHERE response_id = ? ORDER BY id LIMIT 1");
  select.bindNoCopy(1, response_id);
  std::optional<ResponseMaker> maker;
  if (select.executeStep()) {
    maker = ResponseMaker{select.getColumn(0).getString(), select.getColumn(1).getString()};
  }
  select.reset();
  return maker;
}

}  // namespace llmgw::daemon
