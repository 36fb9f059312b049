// The ledger's charges: one batch moves each key's lifetime and period usage exactly as
// the same records committed one by one would.
#include "core/key_store.h"
#include "core/store.h"
#include "core/usage.h"
#include "tests/support/fake_clock.h"
#include "tests/support/logged_requests.h"
#include "tests/support/temp_dir.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

using llmgw::KeyUsage;
using llmgw::RecordOutcome;
using llmgw::Money;
using llmgw::UsageRecord;
using test::request;

namespace {

struct Ledger {
  test::TempDir dir;
  llmgw::Store store{dir.file("llmgw.db")};
  test::FakeClock clock{llmgw::parse_iso("2026-11-27T00:00:00Z", "time")};
  llmgw::KeyStore keys{store, clock};

  // A key with a daily period anchored at midnight UTC.
  std::string daily_key() {
    llmgw::NewKey spec;
    spec.description = "daily";
    spec.period_limit = llmgw::PeriodLimitSpec{Money::parse_usd("100"),
                                               llmgw::Period::parse("1d")};
    return keys.create(spec).key.id;
  }

  std::string row(const std::string& id) {
    SQLite::Statement select(store.db(),
                             "SELECT usage, period_usage, period_start, last_used_at "
                             "FROM api_keys WHERE id = ?");
    select.bind(1, id);
    REQUIRE(select.executeStep());
    return select.getColumn(0).getString() + "|" + select.getColumn(1).getString() + "|" +
           select.getColumn(2).getString() + "|" + select.getColumn(3).getString();
  }
};

std::string text(const KeyUsage& u) {
  return u.key_id + "|" + std::to_string(u.usage.units()) + "|" +
         std::to_string(u.period_usage.units()) + "|" + std::to_string(u.period_start) + "|" +
         std::to_string(u.last_used_at);
}

// The rows of two daily keys after the records `for_key` makes for each: one charged in
// one batch, the other one record at a time.
std::pair<std::string, std::string> batched_and_one_by_one(
    const std::function<std::vector<UsageRecord>(const std::string&)>& for_key) {
  Ledger batched;
  Ledger single;
  std::string a = batched.daily_key();
  std::string b = single.daily_key();
  llmgw::UsageLedger(batched.store).commit(for_key(a));
  for (const UsageRecord& r : for_key(b)) {
    llmgw::UsageLedger(single.store).commit({r});
  }
  return {batched.row(a), single.row(b)};
}

}  // namespace

TEST_CASE("usage ledger: a batch across a period reset charges the new window only") {
  Ledger l;
  std::string a = l.daily_key();
  std::string b = l.daily_key();
  std::vector<UsageRecord> batch = {
      request(a, "2026-11-27T23:59:59.999Z", "m", "p", 200, 1, 1, 0, "0.000001"),
      request(b, "2026-11-27T23:59:59.999Z", "m", "p", 200, 1, 1, 0, "0.000004"),
      request(a, "2026-11-28T00:00:00Z", "m", "p", 200, 1, 1, 0, "0.000002"),
      request(a, "2026-11-28T00:00:00.500Z", "m", "p", 200, 1, 1, 0, "0.000003"),
  };
  std::vector<KeyUsage> usage = llmgw::UsageLedger(l.store).commit(batch).balances;
  // Keys in order of first appearance, each after its last charge.
  REQUIRE(usage.size() == 2);
  CHECK(text(usage[0]) == a + "|6000000|5000000|1795824000000|1795824000500");
  CHECK(text(usage[1]) == b + "|4000000|4000000|1795737600000|1795823999999");
  CHECK(l.row(a) == "6000000|5000000|1795824000000|1795824000500");
  CHECK(l.row(b) == "4000000|4000000|1795737600000|1795823999999");
}

TEST_CASE("usage ledger: a request of a closed window that commits late counts toward the "
          "lifetime usage only, and leaves the current window as it is") {
  auto [batched, single] = batched_and_one_by_one([](const std::string& key) {
    return std::vector<UsageRecord>{
        request(key, "2026-11-28T00:00:01Z", "m", "p", 200, 1, 1, 0, "0.5"),
        request(key, "2026-11-27T23:59:59Z", "m", "p", 200, 1, 1, 0, "0.25"),
        request(key, "2026-11-28T00:00:02Z", "m", "p", 200, 1, 1, 0, "0.125"),
    };
  });
  CHECK(batched == "875000000000|625000000000|1795824000000|1795824002000");
  CHECK(single == batched);
}

TEST_CASE("usage ledger: one batch and the same records one by one agree") {
  auto [batched, single] = batched_and_one_by_one([](const std::string& key) {
    return std::vector<UsageRecord>{
        request(key, "2026-11-27T10:00:00Z", "m", "p", 200, 1, 1, 0, "0.25"),
        request(key, "2026-11-27T23:00:00Z", "m", "p", 500, 1, 1, 0, "0"),
        request(key, "2026-11-28T01:00:00Z", "m", "p", 200, 1, 1, 0, "0.5"),
        request(key, "2026-11-28T02:00:00Z", "m", "p", 200, 1, 1, 0, "0.125"),
    };
  });
  CHECK(batched == single);
  CHECK(batched == "875000000000|625000000000|1795824000000|1795831200000");
}

TEST_CASE("usage ledger: a key deleted from the table still gets its log rows") {
  Ledger l;
  std::string a = l.daily_key();
  l.store.db().exec("DELETE FROM api_keys");
  std::vector<KeyUsage> usage = llmgw::UsageLedger(l.store).commit(
      {request(a, "2026-11-27T10:00:00Z", "m", "p", 200, 1, 1, 0, "1")}).balances;
  CHECK(usage.empty());
  CHECK(l.store.db().execAndGet("SELECT count(*) || '|' || sum(cost) FROM request_log")
            .getString() == "1|1000000000000");
}

TEST_CASE("usage ledger: an empty batch writes nothing") {
  Ledger l;
  llmgw::LedgerCommit done = llmgw::UsageLedger(l.store).commit({});
  CHECK(done.balances.empty());
  CHECK(done.outcomes.empty());
  CHECK(l.store.db().execAndGet("SELECT count(*) FROM request_log").getInt() == 0);
}

namespace {

// The largest amount: a key's usage cannot pass it.
constexpr std::int64_t k_most = std::numeric_limits<std::int64_t>::max();

// Every key's usage and period usage with their SQLite types (largest usage first), and
// the log's costs with theirs, in one string.
std::string stored_types_and_values(llmgw::Store& store) {
  return store.db()
      .execAndGet("SELECT (SELECT group_concat(typeof(usage) || ':' || usage || ' ' || "
                  "typeof(period_usage) || ':' || period_usage, ', ') FROM "
                  "(SELECT * FROM api_keys ORDER BY usage DESC)) || ' / ' || "
                  "(SELECT group_concat(request_id || '=' || typeof(cost) || ':' || cost, ', ') "
                  "FROM (SELECT * FROM request_log ORDER BY id))")
      .getString();
}

}  // namespace

TEST_CASE("usage ledger: a record that would take its key's usage past the largest amount is "
          "refused alone, the rest of the batch commits and usage stays an integer") {
  Ledger l;
  std::string full = l.daily_key();
  std::string other = l.daily_key();
  // A key a dollar short of the largest amount llmgw counts.
  l.store.db().exec("UPDATE api_keys SET usage = " + std::to_string(k_most - 1000000000000) +
                    " WHERE id = '" + full + "'");
  std::vector<UsageRecord> batch = {
      request(other, "2026-11-27T10:00:00Z", "m", "p", 200, 1, 1, 0, "0.25"),
      request(full, "2026-11-27T10:00:01Z", "m", "p", 200, 1, 1, 0, "0.5"),
      request(full, "2026-11-27T10:00:02Z", "m", "p", 200, 5000000000000, 1, 0, "5000"),
      request(other, "2026-11-27T10:00:03Z", "m", "p", 200, 1, 1, 0, "0.125"),
      request(full, "2026-11-27T10:00:04Z", "m", "p", 200, 1, 1, 0, "0.25"),
  };
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch[i].request_id = "req_" + std::to_string(i);
  }
  llmgw::LedgerCommit done = llmgw::UsageLedger(l.store).commit(batch);
  CHECK(done.outcomes == std::vector<RecordOutcome>{
                             RecordOutcome::committed, RecordOutcome::committed,
                             RecordOutcome::usage_out_of_range, RecordOutcome::committed,
                             RecordOutcome::committed});
  REQUIRE(done.balances.size() == 2);
  CHECK(text(done.balances[0]) == other + "|375000000000|375000000000|1795737600000|1795773603000");
  CHECK(text(done.balances[1]) == full + "|" + std::to_string(k_most - 250000000000) +
                                      "|750000000000|1795737600000|1795773604000");
  CHECK(stored_types_and_values(l.store) ==
        "integer:" + std::to_string(k_most - 250000000000) +
            " integer:750000000000, integer:375000000000 integer:375000000000 / "
            "req_0=integer:250000000000, req_1=integer:500000000000, "
            "req_3=integer:125000000000, req_4=integer:250000000000");
}

TEST_CASE("usage ledger: a negative cost is refused alone, on a key with no row too") {
  Ledger l;
  std::string a = l.daily_key();
  std::vector<UsageRecord> batch = {
      request(a, "2026-11-27T10:00:00Z", "m", "p", 200, 1, 1, 0, "0.5"),
      request(a, "2026-11-27T10:00:01Z", "m", "p"),
      request("key_vanished", "2026-11-27T10:00:02Z", "m", "p"),
      request(a, "2026-11-27T10:00:03Z", "m", "p", 200, 1, 1, 0, "0.25"),
  };
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch[i].request_id = "req_" + std::to_string(i);
  }
  batch[1].cost = Money::from_units(-1);
  batch[2].cost = Money::from_units(-1000);
  llmgw::LedgerCommit done = llmgw::UsageLedger(l.store).commit(batch);
  CHECK(done.outcomes == std::vector<RecordOutcome>{
                             RecordOutcome::committed, RecordOutcome::negative_cost,
                             RecordOutcome::negative_cost, RecordOutcome::committed});
  REQUIRE(done.balances.size() == 1);
  CHECK(text(done.balances[0]) == a + "|750000000000|750000000000|1795737600000|1795773603000");
  CHECK(stored_types_and_values(l.store) ==
        "integer:750000000000 integer:750000000000 / req_0=integer:500000000000, "
        "req_3=integer:250000000000");
}
