#include "core/usage_report.h"
#include "core/usage_rollup.h"
#include "tests/support/logged_requests.h"
#include "tests/support/temp_dir.h"
#include "tests/support/thrown.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <map>
#include <random>

using llmgw::Timestamp;
using llmgw::UsageGrouping;
using llmgw::UsageQuery;
using llmgw::UsageRecord;
using llmgw::UsageReport;
using llmgw::UsageTotals;
using test::request;

namespace {

struct Log {
  test::TempDir dir;
  std::string path = dir.file("llmgw.db");
  llmgw::Store store{path};

  explicit Log(const std::vector<UsageRecord>& records) {
    llmgw::UsageLedger(store).commit(records);
  }
  UsageReport report(UsageQuery query) { return llmgw::usage_report(store, query); }
};

Timestamp at(const char* iso) {
  return llmgw::parse_iso(iso, "time");
}

std::string line(const std::string& group, const UsageTotals& t) {
  return fmt::format("{}|{}|{}|{}|{}|{}|{}\n", group, t.requests, t.errors, t.prompt_tokens,
                     t.completion_tokens, t.cached_tokens, t.cost.to_usd());
}

// The whole report as one string: one line per row, then the total.
std::string render(const UsageReport& report) {
  std::string out;
  for (const auto& row : report.rows) {
    out += line(row.group, row.totals);
  }
  return out + line("total", report.total);
}

// The group of one record, as the report names it.
std::string group_of(const UsageRecord& r, UsageGrouping grouping) {
  switch (grouping) {
    case UsageGrouping::key:
      return r.key_id;
    case UsageGrouping::model:
      return r.served_model.empty() ? r.requested_model : r.served_model;
    case UsageGrouping::provider:
      return r.provider;
    case UsageGrouping::day:
      return llmgw::format_iso(r.time).substr(0, 10);
    case UsageGrouping::hour:
      return llmgw::format_iso(r.time - r.time % llmgw::k_ms_per_hour);
    case UsageGrouping::none:
      break;
  }
  return "";
}

UsageQuery by(UsageGrouping grouping) {
  UsageQuery q;
  q.by = grouping;
  return q;
}

const std::vector<UsageRecord> k_day = {
    request("key_a", "2026-11-27T10:05:00Z", "gpt-4o", "openai", 200, 100, 10, 5, "0.001"),
    request("key_a", "2026-11-27T10:30:00Z", "gpt-4o", "azure", 200, 200, 20, 0, "0.002"),
    request("key_b", "2026-11-27T11:15:00Z", "claude", "anthropic", 500, 300, 0, 0, "0"),
    request("key_b", "2026-11-27T12:40:00Z", "o3", "", 403),
    request("key_a", "2026-11-27T13:10:00Z", "claude", "anthropic", 200, 50, 5, 1,
            "0.000000000001"),
    request("key_b", "2026-11-28T00:00:00Z", "gpt-4o", "openai", 200, 1, 1, 0, "0.5"),
};

}  // namespace

TEST_CASE("usage report: an empty log is one zero row, or no rows when grouped") {
  Log log({});
  CHECK(render(log.report({})) == "|0|0|0|0|0|0\ntotal|0|0|0|0|0|0\n");
  CHECK(render(log.report(by(UsageGrouping::model))) == "total|0|0|0|0|0|0\n");
}

TEST_CASE("usage report: the total is the exact sum of every request") {
  Log log(k_day);
  CHECK(render(log.report({})) == "|6|2|651|36|6|0.503000000001\n"
                                  "total|6|2|651|36|6|0.503000000001\n");
}

TEST_CASE("usage report: by model uses the served model, or the requested one when none was") {
  Log log(k_day);
  CHECK(render(log.report(by(UsageGrouping::model))) ==
        "claude|2|1|350|5|1|0.000000000001\n"
        "gpt-4o|3|0|301|31|5|0.503\n"
        "o3|1|1|0|0|0|0\n"
        "total|6|2|651|36|6|0.503000000001\n");
}

TEST_CASE("usage report: by provider, by key") {
  Log log(k_day);
  CHECK(render(log.report(by(UsageGrouping::provider))) ==
        "|1|1|0|0|0|0\n"
        "anthropic|2|1|350|5|1|0.000000000001\n"
        "azure|1|0|200|20|0|0.002\n"
        "openai|2|0|101|11|5|0.501\n"
        "total|6|2|651|36|6|0.503000000001\n");
  CHECK(render(log.report(by(UsageGrouping::key))) ==
        "key_a|3|0|350|35|6|0.003000000001\n"
        "key_b|3|2|301|1|0|0.5\n"
        "total|6|2|651|36|6|0.503000000001\n");
}

TEST_CASE("usage report: days and hours are UTC, oldest first") {
  Log log(k_day);
  CHECK(render(log.report(by(UsageGrouping::day))) ==
        "2026-11-27|5|2|650|35|6|0.003000000001\n"
        "2026-11-28|1|0|1|1|0|0.5\n"
        "total|6|2|651|36|6|0.503000000001\n");
  CHECK(render(log.report(by(UsageGrouping::hour))) ==
        "2026-11-27T10:00:00Z|2|0|300|30|5|0.003\n"
        "2026-11-27T11:00:00Z|1|1|300|0|0|0\n"
        "2026-11-27T12:00:00Z|1|1|0|0|0|0\n"
        "2026-11-27T13:00:00Z|1|0|50|5|1|0.000000000001\n"
        "2026-11-28T00:00:00Z|1|0|1|1|0|0.5\n"
        "total|6|2|651|36|6|0.503000000001\n");
}

TEST_CASE("usage report: since is inclusive, until exclusive, edges inside hours count") {
  Log log(k_day);
  UsageQuery q = by(UsageGrouping::hour);
  q.since = at("2026-11-27T10:20:00Z");
  q.until = at("2026-11-27T12:40:00Z");
  CHECK(render(log.report(q)) == "2026-11-27T10:00:00Z|1|0|200|20|0|0.002\n"
                                 "2026-11-27T11:00:00Z|1|1|300|0|0|0\n"
                                 "total|2|1|500|20|0|0.002\n");
  q.since = at("2026-11-27T10:30:00Z");
  q.until = at("2026-11-27T12:40:00.001Z");
  CHECK(render(log.report(q)) == "2026-11-27T10:00:00Z|1|0|200|20|0|0.002\n"
                                 "2026-11-27T11:00:00Z|1|1|300|0|0|0\n"
                                 "2026-11-27T12:00:00Z|1|1|0|0|0|0\n"
                                 "total|3|2|500|20|0|0.002\n");
}

TEST_CASE("usage report: a range inside one hour reads only the log") {
  Log log(k_day);
  UsageQuery q;
  q.since = at("2026-11-27T10:00:00Z");
  q.until = at("2026-11-27T10:30:00Z");
  CHECK(render(log.report(q)) == "|1|0|100|10|5|0.001\ntotal|1|0|100|10|5|0.001\n");
}

TEST_CASE("usage report: one key, by model and by provider") {
  Log log(k_day);
  UsageQuery q = by(UsageGrouping::model);
  q.key_id = "key_a";
  CHECK(render(log.report(q)) == "claude|1|0|50|5|1|0.000000000001\n"
                                 "gpt-4o|2|0|300|30|5|0.003\n"
                                 "total|3|0|350|35|6|0.003000000001\n");
  q.by = UsageGrouping::provider;
  q.key_id = "key_b";
  CHECK(render(log.report(q)) == "|1|1|0|0|0|0\n"
                                 "anthropic|1|1|300|0|0|0\n"
                                 "openai|1|0|1|1|0|0.5\n"
                                 "total|3|2|301|1|0|0.5\n");
}

TEST_CASE("usage report: an unknown key or an empty range is a report of nothing") {
  Log log(k_day);
  UsageQuery q = by(UsageGrouping::key);
  q.key_id = "key_nobody";
  CHECK(render(log.report(q)) == "total|0|0|0|0|0|0\n");
  q = {};
  q.since = at("2026-11-27T12:00:00Z");
  q.until = at("2026-11-27T11:00:00Z");
  CHECK(render(log.report(q)) == "|0|0|0|0|0|0\ntotal|0|0|0|0|0|0\n");
}

TEST_CASE("usage report: every grouping and range agrees with a sum over the log") {
  std::mt19937 random(42);
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  Timestamp start = at("2026-11-27T00:00:00Z");
  std::vector<UsageRecord> records;
  for (int i = 0; i < 400; ++i) {
    UsageRecord r = request(fmt::format("key_{}", pick(3)), "2026-11-27T00:00:00Z",
                            fmt::format("m{}", pick(3)), pick(4) == 0 ? "" : "p",
                            pick(5) == 0 ? 500 : 200, pick(100), pick(100), pick(10));
    r.time = start + pick(30 * 3600) * 1000 + pick(1000);
    r.cache_write_5m_tokens = pick(20);
    r.cache_write_1h_tokens = pick(20);
    r.reasoning_tokens = pick(30);
    r.cost = llmgw::Money::from_units(pick(1'000'000));
    records.push_back(r);
  }
  Log log(records);
  for (int round = 0; round < 60; ++round) {
    // The first 20 rounds read the log alone, the next 20 a roll-up of its first 150 rows
    // and the rest from the log, the last 20 a roll-up of all of it.
    if (round == 20) {
      CHECK(llmgw::roll_up_log(log.store, 150) == 150);
    } else if (round == 40) {
      CHECK(llmgw::roll_up_log(log.store, 1000) == 250);
      CHECK(llmgw::roll_up_log(log.store, 1000) == 0);
    }
    UsageQuery q;
    q.by = static_cast<UsageGrouping>(round % 6);
    if (pick(3) > 0) {
      q.key_id = fmt::format("key_{}", pick(3));
    }
    if (pick(4) > 0) {
      q.since = start + pick(30 * 3600) * 1000 - 3600 * 1000;
    }
    if (pick(4) > 0) {
      q.until = q.since.value_or(start) + pick(20 * 3600) * 1000 + 1;
    }
    std::map<std::string, UsageTotals> expected;
    for (const UsageRecord& r : records) {
      if ((q.key_id && r.key_id != *q.key_id) || (q.since && r.time < *q.since) ||
          (q.until && r.time >= *q.until)) {
        continue;
      }
      UsageTotals& t = expected[group_of(r, q.by)];
      UsageTotals one;
      one.requests = 1;
      one.errors = r.status >= 400 ? 1 : 0;
      one.prompt_tokens = r.prompt_tokens;
      one.completion_tokens = r.completion_tokens;
      one.cached_tokens = r.cached_tokens;
      one.cache_write_tokens = r.cache_write_5m_tokens + r.cache_write_1h_tokens;
      one.reasoning_tokens = r.reasoning_tokens;
      one.cost = r.cost;
      t += one;
    }
    UsageReport want;
    for (const auto& [group, totals] : expected) {
      want.rows.push_back({group, totals});
      want.total += totals;
    }
    if (q.by == UsageGrouping::none && want.rows.empty()) {
      want.rows.push_back({});
    }
    CAPTURE(round);
    CHECK(render(log.report(q)) == render(want));
  }
}

TEST_CASE("usage report: --by takes key, model, provider, day or hour") {
  CHECK(llmgw::parse_usage_grouping("day", "--by") == UsageGrouping::day);
  CHECK(llmgw::to_string(UsageGrouping::provider) == "provider");
  CHECK(test::thrown_by([] { llmgw::parse_usage_grouping("week", "--by"); }) ==
        test::invalid("invalid --by 'week': expected key, model, provider, day or hour"));
}
