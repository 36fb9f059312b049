#pragma once
// The life of API keys in the database: create, read, change, roll. Every read-then-write
// runs in one BEGIN IMMEDIATE transaction, so the CLI and the daemon never interleave.
#include "core/api_key.h"
#include "core/store.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace llmgw {

struct PeriodLimitSpec {
  Money amount;
  Period period;
};

struct NewKey {
  std::string description;
  std::optional<Money> usage_limit;
  std::optional<PeriodLimitSpec> period_limit;
  std::optional<Timestamp> expires_at;
  TrafficLimits traffic;
};

// A change of one field: absent leaves it, an empty inner value clears it.
template <class T>
using Change = std::optional<std::optional<T>>;

struct KeyChanges {
  std::optional<std::string> description;
  Change<Money> usage_limit;
  // The period limit's amount alone, its window alone, both, or clearing it. A different
  // window re-anchors and starts from zero; a new amount keeps the current window's usage.
  std::optional<Money> period_amount;
  std::optional<Period> period;
  bool clear_period_limit = false;
  Change<Timestamp> expires_at;
  // Each traffic limit: absent leaves it, an empty inner value removes it.
  Change<std::int64_t> requests_per_minute;
  Change<std::int64_t> requests_per_day;
  Change<std::int64_t> tokens_per_minute;
  Change<std::int64_t> max_parallel;

  bool empty() const {
    return !description && !usage_limit && !period_amount && !period && !clear_period_limit &&
           !expires_at && !requests_per_minute && !requests_per_day && !tokens_per_minute &&
           !max_parallel;
  }
};

// What KeyStore::create checks before it touches the database: the description, and an
// expiry in the future. Throws Error(invalid). The CLI calls it before opening the
// database, so that a bad `key create` does not even create the file.
void check_new_key(const NewKey& key, Timestamp now);

// The key and its secret, which exists only in this value and is never stored.
struct CreatedKey {
  ApiKey key;
  std::string secret;
};

enum class IncludeDeleted { yes, no };
enum class IfExists { yes, no };

class KeyStore {
public:
  KeyStore(Store& store, const Clock& clock) : m_store(store), m_clock(clock) {}

  // Throws Error(invalid) for a bad description or an expiry that is not in the future.
  // `in_transaction`, when given, runs after the key is written and before the commit (to
  // add its rules); when it throws, no key is created.
  CreatedKey create(const NewKey& key,
                    const std::function<void(const ApiKey&)>& in_transaction = {});

  std::optional<ApiKey> find(const std::string& id);
  std::optional<ApiKey> find_by_secret(std::string_view secret);
  // Throws Error(not_found) "key '<id>' not found".
  ApiKey get(const std::string& id);
  // Oldest first.
  std::vector<ApiKey> list(IncludeDeleted include);

  // Throws Error(conflict) for a deleted key, Error(invalid) for bad values.
  ApiKey update(const std::string& id, const KeyChanges& changes);
  // Succeeds when the key is already active. Throws Error(conflict) for a deleted key, and
  // for an expired one unless `new_expiry` (which must be in the future) is given.
  ApiKey enable(const std::string& id, std::optional<Timestamp> new_expiry);
  // Succeeds when the key is already disabled. Throws Error(conflict) for a deleted key.
  ApiKey disable(const std::string& id);
  // Soft delete. A missing or already deleted key is Error(not_found), or nothing at all
  // with IfExists::yes.
  std::optional<ApiKey> remove(const std::string& id, IfExists if_exists);
  // A new secret; id, usage, limits and rules are kept. Throws Error(conflict) when deleted.
  CreatedKey roll(const std::string& id);

  Timestamp now() const { return m_clock.now(); }

private:
  ApiKey get_for_change(const std::string& id, std::string_view action);
  void write(const ApiKey& key);

  Store& m_store;
  const Clock& m_clock;
};

}  // namespace llmgw
