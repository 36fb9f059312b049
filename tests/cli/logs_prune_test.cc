// llmgw logs prune: old request-log rows go, usage reports and keys' usage stay exact.
#include "core/timestamp.h"
#include "tests/support/cli_outcome.h"
#include "tests/support/logged_requests.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <fmt/format.h>

using nlohmann::json;
using test::Outcome;
using test::outcome_of;
using test::refused;
using test::request;

namespace {

std::string days_ago(int days, llmgw::Timestamp now) {
  return llmgw::format_iso(now - days * llmgw::k_ms_per_day);
}

// Two keys, and requests 100, 95 and 91 days old and 10 days old, none of them rolled up
// yet (as right after the daemon commits them).
struct OldLogDatabase : test::TestDatabase {
  llmgw::Timestamp now = llmgw::SystemClock().now();
  std::string a = test::create_key(path, {"-d", "a"})["id"].get<std::string>();
  std::string b = test::create_key(path, {"-d", "b"})["id"].get<std::string>();

  OldLogDatabase() {
    test::log_requests(
        path, {request(a, days_ago(100, now), "gpt-4o", "openai", 200, 100, 10, 5, "0.001"),
               request(b, days_ago(95, now), "o3", "", 403),
               request(a, days_ago(91, now), "claude", "anthropic", 500, 300, 0, 0, "0.25"),
               request(b, days_ago(10, now), "gpt-4o", "openai", 200, 7, 3, 0, "0.5")});
  }

  // The request times left in the log, oldest first, as days back from `now`.
  std::string logged_days() const {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    SQLite::Statement select(db, "SELECT time FROM request_log ORDER BY time");
    std::string days;
    while (select.executeStep()) {
      days += fmt::format("{} ", (now - select.getColumn(0).getInt64()) / llmgw::k_ms_per_day);
    }
    return days;
  }

  // Every usage report shape, and the keys' usage, as one text.
  std::string reports() const {
    std::string text;
    for (const char* by : {"key", "model", "provider", "day", "hour"}) {
      text += test::llmgw(path, {"--json", "usage", "--by", by}).out;
    }
    text += test::llmgw(path, {"--json", "usage", "--key", a, "--since", "2026-01-01"}).out;
    text += test::llmgw(path, {"--json", "key", "show", a}).out;
    text += test::llmgw(path, {"--json", "key", "show", b}).out;
    return text;
  }
};

}  // namespace

TEST_CASE("cli: logs prune deletes the rows older than --older-than and says how many") {
  OldLogDatabase db;
  test::Result r = test::llmgw(db.path, {"logs", "prune", "--older-than", "90d"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "");
  CHECK(test::matches(r.err, fmt::format(R"(Deleted 3 request-log rows older than 90d \(logged )"
                                         R"(before {}\)\.\n)",
                                         test::k_time_pattern)));
  CHECK(db.logged_days() == "10 ");
  CHECK(test::llmgw(db.path, {"logs", "prune", "--older-than", "90d"}).err.rfind(
            "Deleted 0 request-log rows older than 90d", 0) == 0);
  CHECK(test::llmgw(db.path, {"logs", "prune", "--older-than", "9d"}).err.rfind(
            "Deleted 1 request-log row older than 9d", 0) == 0);
  CHECK(db.logged_days() == "");
}

TEST_CASE("cli: logs prune leaves usage reports and keys' usage as they were") {
  OldLogDatabase db;
  std::string before = db.reports();
  REQUIRE(test::llmgw(db.path, {"logs", "prune", "--older-than", "1d"}).exit_code == 0);
  CHECK(db.logged_days() == "");
  CHECK(db.reports() == before);
  CHECK(test::parse_json(test::llmgw(db.path, {"--json", "usage"}).out)["total"]["requests"] ==
        4);
}

TEST_CASE("cli: logs prune --json prints the count, the duration and the moment") {
  OldLogDatabase db;
  Outcome o = outcome_of(db.path, {"--json", "logs", "prune", "--older-than", "2w"});
  llmgw::Timestamp after = llmgw::SystemClock().now();
  json document = test::parse_json(o.out);
  CHECK(o.exit_code == 0);
  CHECK(o.err == "");
  CHECK(o.database_changed);
  CHECK(document.size() == 3);
  CHECK(document["deleted"] == 3);
  CHECK(document["older_than"] == "2w");
  llmgw::Timestamp cutoff = llmgw::parse_iso(document["before"].get<std::string>(), "before");
  CHECK(cutoff % llmgw::k_ms_per_hour == 0);
  CHECK(cutoff > db.now - 14 * llmgw::k_ms_per_day - llmgw::k_ms_per_hour);
  CHECK(cutoff <= after - 14 * llmgw::k_ms_per_day);
}

TEST_CASE("cli: logs prune --dry-run counts the rows and deletes none") {
  OldLogDatabase db;
  Outcome o = outcome_of(db.path, {"logs", "prune", "--older-than", "92d", "--dry-run"});
  CHECK(o.exit_code == 0);
  CHECK(o.out == "");
  CHECK(test::matches(o.err, fmt::format(R"(Would delete 2 request-log rows older than 92d )"
                                         R"(\(logged before {}\)\.\n)",
                                         test::k_time_pattern)));
  CHECK_FALSE(o.database_changed);
  json document = test::parse_json(
      test::llmgw(db.path, {"--json", "logs", "prune", "--older-than", "92d", "--dry-run"}).out);
  CHECK(document["would_delete"] == 2);
  CHECK(document["older_than"] == "92d");
  CHECK(db.logged_days() == "100 95 91 10 ");
}

TEST_CASE("cli: logs prune refuses a missing, zero, negative or malformed duration") {
  OldLogDatabase db;
  CHECK(outcome_of(db.path, {"logs", "prune"}) ==
        refused(2, "missing option --older-than\nsee 'llmgw logs prune --help'"));
  CHECK(outcome_of(db.path, {"logs", "prune", "--older-than", "0d"}) ==
        refused(2, "invalid --older-than '0d': must be greater than zero\n"
                   "see 'llmgw logs prune --help'"));
  for (const char* text : {"-5d", "90", "90 days", "2026-01-01"}) {
    CAPTURE(text);
    CHECK(outcome_of(db.path, {"logs", "prune", fmt::format("--older-than={}", text)}) ==
          refused(2, fmt::format("invalid --older-than '{}': expected a duration such as "
                                 "500ms, 90m, 12h, 30d or 2w\nsee 'llmgw logs prune --help'",
                                 text)));
  }
  CHECK(db.logged_days() == "100 95 91 10 ");
}

TEST_CASE("cli: logs prune refuses the options of logs, before or after prune, and deletes nothing") {
  OldLogDatabase db;
  CHECK(outcome_of(db.path, {"logs", "prune", "--older-than", "90d", "-n", "5"}) ==
        refused(2, "option --limit belongs to 'llmgw logs', not to 'llmgw logs prune'\n"
                   "see 'llmgw logs prune --help'"));
  CHECK(outcome_of(db.path, {"logs", "--since", "1h", "prune", "--older-than", "90d"}) ==
        refused(2, "option --since belongs to 'llmgw logs', not to 'llmgw logs prune'\n"
                   "see 'llmgw logs prune --help'"));
  // The global options still reach llmgw from here.
  Outcome o = outcome_of(db.path, {"logs", "prune", "--older-than", "90d", "--dry-run", "--json"});
  CHECK(o.exit_code == 0);
  CHECK(test::parse_json(o.out)["would_delete"] == 3);  // 100, 95 and 91 days old
}

TEST_CASE("cli: logs prune where there is no database creates none") {
  test::TempDir dir;
  std::string path = dir.file("none.db");
  CHECK(test::llmgw(path, {"logs", "prune", "--older-than", "90d"}).exit_code == 3);
  CHECK(test::read_file(path) == "");
}
