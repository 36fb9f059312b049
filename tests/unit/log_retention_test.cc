// prune_log(): deletes old rows in batches of any size, only once they are rolled up, and
// leaves every usage report over whole hours as it was.
#include "core/log_retention.h"
#include "core/store.h"
#include "core/usage_report.h"
#include "core/usage_rollup.h"
#include "tests/support/logged_requests.h"
#include "tests/support/temp_dir.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>

using test::request;

namespace {

// Five requests in three hours of 2026-11-27, and one on 2026-12-01.
struct PruneStore {
  test::TempDir dir;
  std::string path = dir.file("llmgw.db");
  llmgw::Store store{path};

  PruneStore() {
    test::log_requests(
        path, {request("key_a", "2026-11-27T10:05:00Z", "gpt-4o", "openai", 200, 100, 10, 5,
                       "0.001"),
               request("key_a", "2026-11-27T10:30:00Z", "gpt-4o", "openai", 200, 200, 20),
               request("key_b", "2026-11-27T11:00:00Z", "o3", "", 403),
               request("key_b", "2026-11-27T11:20:00Z", "claude", "anthropic", 500, 300),
               request("key_a", "2026-11-27T12:00:00Z", "gpt-4o", "openai", 200, 1, 1, 0, "1"),
               request("key_b", "2026-12-01T00:00:00Z", "o3", "openai", 200, 9, 9, 0, "2")});
  }

  // "<requests> <prompt tokens> <cost units>" per group, for each grouping.
  std::string reports(std::optional<llmgw::Timestamp> until = std::nullopt) {
    std::string text;
    for (auto by : {llmgw::UsageGrouping::none, llmgw::UsageGrouping::key,
                    llmgw::UsageGrouping::model, llmgw::UsageGrouping::hour}) {
      llmgw::UsageQuery query;
      query.by = by;
      query.until = until;
      for (const llmgw::UsageRow& row : llmgw::usage_report(store, query).rows) {
        text += row.group + " " + std::to_string(row.totals.requests) + " " +
                std::to_string(row.totals.prompt_tokens) + " " +
                std::to_string(row.totals.cost.units()) + "\n";
      }
    }
    return text;
  }

  std::int64_t rows() {
    return store.db().execAndGet("SELECT count(*) FROM request_log").getInt64();
  }
};

const llmgw::Timestamp k_december = llmgw::parse_iso("2026-12-01", "test");

}  // namespace

TEST_CASE("log retention: prune_log deletes the old rows in batches of any size") {
  for (std::int64_t batch : {1, 2, 5, 1000}) {
    CAPTURE(batch);
    PruneStore db;
    CHECK(llmgw::count_log_before(db.store, k_december) == 5);
    CHECK(llmgw::prune_log(db.store, k_december, batch) == 5);
    CHECK(db.rows() == 1);
    CHECK(llmgw::count_log_before(db.store, k_december) == 0);
    CHECK(llmgw::prune_log(db.store, k_december, batch) == 0);
  }
}

TEST_CASE("log retention: prune_log rolls up first, so reports stay exact") {
  PruneStore db;
  std::string before = db.reports();
  REQUIRE(llmgw::roll_up_log(db.store, 2) == 2);  // the rest is not rolled up yet
  CHECK(llmgw::prune_log(db.store, k_december, 2) == 5);
  CHECK(db.reports() == before);
  CHECK(before ==
        " 6 610 3001000000000\n"
        "key_a 3 301 1001000000000\n"
        "key_b 3 309 2000000000000\n"
        "claude 1 300 0\n"
        "gpt-4o 3 301 1001000000000\n"
        "o3 2 9 2000000000000\n"
        "2026-11-27T10:00:00Z 2 300 1000000000\n"
        "2026-11-27T11:00:00Z 2 300 0\n"
        "2026-11-27T12:00:00Z 1 1 1000000000000\n"
        "2026-12-01T00:00:00Z 1 9 2000000000000\n");
}

TEST_CASE("log retention: prune_log keeps a row its cutoff does not reach") {
  PruneStore db;
  CHECK(llmgw::prune_log(db.store, llmgw::parse_iso("2026-11-27T11:00:00Z", "test")) == 2);
  CHECK(llmgw::count_log_before(db.store, k_december) == 3);
}

TEST_CASE("log retention: prune_log keeps the hour its cutoff falls in, so reports ending there stay exact") {
  PruneStore db;
  llmgw::Timestamp cutoff = llmgw::parse_iso("2026-11-27T11:10:00Z", "test");
  llmgw::Timestamp until = llmgw::parse_iso("2026-11-27T11:15:00Z", "test");
  std::string before = db.reports(until);
  CHECK(llmgw::prune_cutoff(cutoff) == llmgw::parse_iso("2026-11-27T11:00:00Z", "test"));
  CHECK(llmgw::count_log_before(db.store, cutoff) == 2);
  CHECK(llmgw::prune_log(db.store, cutoff) == 2);
  CHECK(db.reports(until) == before);
  CHECK(before.rfind(" 3 300 1000000000\n", 0) == 0);
}
