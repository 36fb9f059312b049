#pragma once
// What the daemon knows about keys between requests: their configuration (row, active
// rules) and the catalog, cached until the CLI changes any of them; and each key's
// account: committed usage plus the reservations of requests in flight.
//
// Freshness: before each request, `refresh()` compares the database's change stamp
// (core/change_stamp.h), which every CLI commit renews, with the one it last saw; only
// when it differs does it read the config_version row (bumped by triggers on every
// configuration change, never by usage updates), so a CLI change holds on the very next
// request and the daemon's own usage commits cause no reload. A writer that does not
// renew the stamp (another SQLite client) is seen within k_recheck_interval, when the row
// is read whatever the stamp says. Without a stamp file the row is read every request.
#include "core/api_key.h"
#include "core/catalog.h"
#include "core/change_stamp.h"
#include "core/rule.h"
#include "core/store.h"
#include "core/usage_report.h"
#include "core/usage.h"
#include "daemon/http_error.h"
#include "daemon/runtime/fiber_rules.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace llmgw::daemon {

struct KeyConfig {
  ApiKey key;               // usage fields as of loading; the account is authoritative
  std::vector<Rule> rules;  // active rules in evaluation order
};

// Whether a reservation is less than its request's estimate, cut to what remained of
// a budget: such a request may cost more than it holds.
enum class Capped { no, yes };

// Money held for a request in flight; returned by admit(), settled by settle().
struct Reservation {
  std::string key_id;
  Money amount;
  Capped capped = Capped::no;
};

class KeyDirectory {
public:
  explicit KeyDirectory(const std::string& db_path);

  // Longest a configuration change by a writer that renews no stamp goes unseen.
  static constexpr std::chrono::seconds k_recheck_interval{1};

  // Drops cached configuration when the database's configuration changed.
  void refresh();
  std::shared_ptr<const Catalog> catalog();
  // The key whose secret is `secret`, or nothing. Its status is not checked here.
  std::shared_ptr<const KeyConfig> find(const std::string& secret);

  // Admits a request that may cost up to `estimate`, or throws HttpError 402 when the
  // key's lifetime or period budget is spent (usage plus reservations in flight).
  // The reservation is `estimate` capped at what remains of the tighter budget. At most
  // one capped reservation of a key is in flight: while one is, a request that would
  // need capping gets the same 402 (core/refusal.h capped_refusal), so usage passes a
  // limit by at most what one capped request costs beyond its reservation.
  Reservation admit(const KeyConfig& config, Money estimate, Timestamp now);
  // After the request's usage is committed (or refused): the reservation is released,
  // and so is the key's capped one if it was that, and the account takes the committed
  // figures.
  void settle(const Reservation& reservation, const std::optional<KeyUsage>& committed);

  // The key's committed usage as the daemon counts it, with reservations in flight.
  struct Balance {
    Money usage;
    Money period_usage;
    Money reserved;
    std::optional<Timestamp> last_used_at;
  };
  Balance balance(const KeyConfig& config, Timestamp now);
  // True when the database answers a query.
  bool database_ready();
  // The tokens and cost of the key's committed requests, from the request log (requests
  // in flight are not in it yet). Throws what the database throws.
  UsageTotals committed_usage(const std::string& key_id);
  // Who made the Responses response `response_id`, from the request log: the key and the
  // provider of the first request logged with it (a later answer that repeats an id takes
  // nothing from its maker). Nothing when no logged request made it. Throws what the
  // database throws.
  struct ResponseMaker {
    std::string key_id;
    std::string provider;
  };
  std::optional<ResponseMaker> response_maker(const std::string& response_id);

  // Held by the accountant from its commit to its settle(), and here while accounts are
  // reloaded from the database, so no committed cost is counted twice or missed.
  CheckedMutex& commit_mutex() { return m_commit_mutex; }

private:
  struct Account {
    Money usage;
    Money period_usage;
    Timestamp window_start = 0;
    std::optional<Timestamp> last_used_at;
    Money reserved;
    Capped capped_in_flight = Capped::no;  // see admit()
  };
  // The committed figures of `key` as read from the database (nothing reserved).
  static Account account_of(const ApiKey& key);
  Account& account_locked(const KeyConfig& config);
  Money period_usage_locked(const KeyConfig& config, const Account& account, Timestamp now) const;
  void reload_accounts_locked();

  using Clock = std::chrono::steady_clock;
  // The config_version row; nothing when it is missing. REQUIRES: m_db_mutex held.
  std::optional<std::int64_t> read_config_version_locked();
  // The cache holds what the configuration was when `stamp` was read, at `now`.
  void saw_stamp(std::uint64_t stamp, Clock::time_point now);

  CheckedMutex m_db_mutex;  // guards m_store and m_config_version
  Store m_store;
  std::int64_t m_config_version = -1;
  ChangeStamp m_change_stamp;
  // The stamp seen before the last read of config_version, and when to read it anyway.
  std::atomic<std::uint64_t> m_seen_stamp{0};
  std::atomic<Clock::rep> m_recheck_at{0};

  CheckedMutex m_commit_mutex;
  CheckedMutex m_mutex;  // guards everything below
  std::shared_ptr<const Catalog> m_catalog;
  std::unordered_map<std::string, std::shared_ptr<const KeyConfig>> m_by_hash;
  std::unordered_map<std::string, Account> m_accounts;  // by key id
};

}  // namespace llmgw::daemon
