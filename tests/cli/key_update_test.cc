#include "core/period.h"
#include "core/timestamp.h"
#include "tests/support/cli_outcome.h"

#include <doctest/doctest.h>

using llmgw::format_iso;
using llmgw::parse_iso;
using nlohmann::json;
using test::outcome_of;
using test::refused;

namespace {

json update(const std::string& db, const std::string& id, std::vector<std::string> options) {
  std::vector<std::string> args = {"--json", "key", "update", id};
  args.insert(args.end(), options.begin(), options.end());
  test::Result r = test::llmgw(db, args);
  return r.exit_code == 0 ? test::parse_json(r.out) : json("<exit " + std::to_string(r.exit_code) + ": " + r.err + ">");
}

// The key document with what `update` is expected to change set, and updated_at checked
// to be no earlier than before.
json changed(json before, const json& after, const json& fields) {
  before.update(fields);
  if (after.is_object() && after.contains("updated_at") &&
      parse_iso(after["updated_at"].get<std::string>(), "t") >=
          parse_iso(before["updated_at"].get<std::string>(), "t")) {
    before["updated_at"] = after["updated_at"];
  }
  before.erase("secret");
  return before;
}

std::string id_of(const json& key) {
  return key["id"].get<std::string>();
}

}  // namespace

TEST_CASE("cli: key update -d changes the description") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "before"});
  json after = update(db.path, id_of(key), {"-d", "after"});
  CHECK(after == changed(key, after, {{"description", "after"}}));
  CHECK(test::parse_json(test::llmgw(db.path, {"--json", "key", "show", id_of(key)}).out) == after);
}

TEST_CASE("cli: key update --description is the long form of -d") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "before"});
  CHECK(update(db.path, id_of(key), {"--description", "after"})["description"] == "after");
}

TEST_CASE("cli: key update prints the key's fields without --json") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "before"});
  test::Result r = test::llmgw(db.path, {"key", "update", id_of(key), "-d", "after"});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "");
  CHECK(r.out.find("\ndescription:    after\n") != std::string::npos);
  CHECK(r.out.rfind("id:             " + id_of(key) + "\n", 0) == 0);
}

TEST_CASE("cli: key update --limit sets and --no-limit clears the usage limit") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "limited"});
  json limited = update(db.path, id_of(key), {"--limit", "12.5"});
  CHECK(limited == changed(key, limited, {{"usage_limit", "12.5"}}));
  json unlimited = update(db.path, id_of(key), {"--no-limit"});
  CHECK(unlimited == changed(limited, unlimited, {{"usage_limit", nullptr}}));
}

TEST_CASE("cli: key update --period-limit with --period adds a period limit") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "metered"});
  json after = update(db.path, id_of(key), {"--period-limit", "3", "--period", "12mo"});
  REQUIRE(after.is_object());
  llmgw::Period year = llmgw::Period::parse("12mo");
  llmgw::Timestamp anchor = year.anchor_for(parse_iso(after["updated_at"].get<std::string>(), "t"));
  CHECK(after["period_limit"] == json{{"amount", "3"},
                                      {"period", "12mo"},
                                      {"usage", "0"},
                                      {"window_start", format_iso(anchor)},
                                      {"resets_at", format_iso(year.window_at(anchor, anchor).end)}});
}

TEST_CASE("cli: key update --period-limit alone keeps the window and its usage") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "metered", "--period-limit", "3", "--period", "12mo"});
  test::set_key_column(db.path, id_of(key), "period_usage", 1'000'000'000'000);  // $1
  json after = update(db.path, id_of(key), {"--period-limit", "5"});
  json expected_period = key["period_limit"];
  expected_period["amount"] = "5";
  expected_period["usage"] = "1";
  CHECK(after == changed(key, after, {{"period_limit", expected_period}}));
}

TEST_CASE("cli: key update --period with a different window re-anchors and resets usage") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "metered", "--period-limit", "3", "--period", "12mo"});
  test::set_key_column(db.path, id_of(key), "period_usage", 1'000'000'000'000);
  json after = update(db.path, id_of(key), {"--period", "52w"});
  REQUIRE(after.is_object());
  llmgw::Period weeks = llmgw::Period::parse("52w");
  llmgw::Timestamp anchor = weeks.anchor_for(parse_iso(after["updated_at"].get<std::string>(), "t"));
  CHECK(after["period_limit"] == json{{"amount", "3"},
                                      {"period", "52w"},
                                      {"usage", "0"},
                                      {"window_start", format_iso(anchor)},
                                      {"resets_at", format_iso(anchor + 52 * 7 * llmgw::k_ms_per_day)}});
}

TEST_CASE("cli: key update --no-period-limit clears the period limit") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "metered", "--period-limit", "3", "--period", "1d"});
  json after = update(db.path, id_of(key), {"--no-period-limit"});
  CHECK(after == changed(key, after, {{"period_limit", nullptr}}));
}

TEST_CASE("cli: key update --expires sets and --no-expires clears the expiry") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "expiring"});
  json dated = update(db.path, id_of(key), {"--expires", "2099-12-31T23:00:00-01:00"});
  CHECK(dated == changed(key, dated, {{"expires_at", "2100-01-01T00:00:00Z"}}));
  json later = update(db.path, id_of(key), {"--expires", "1w"});
  llmgw::Timestamp expires = parse_iso(later["expires_at"].get<std::string>(), "e");
  llmgw::Timestamp updated = parse_iso(later["updated_at"].get<std::string>(), "u");
  CHECK(expires <= updated + 7 * llmgw::k_ms_per_day);
  CHECK(expires > updated + 7 * llmgw::k_ms_per_day - 5000);
  json never = update(db.path, id_of(key), {"--no-expires"});
  CHECK(never == changed(later, never, {{"expires_at", nullptr}}));
}

TEST_CASE("cli: key update sets one traffic limit and removes another, keeping the rest") {
  test::TestDatabase db;
  json key =
      test::create_key(db.path, {"-d", "throttled", "--tpm", "20000", "--max-parallel", "5"});
  json after = update(db.path, id_of(key), {"--rpm", "60", "--no-tpm"});
  CHECK(after == changed(key, after, {{"traffic_limits", {{"requests_per_minute", 60},
                                                          {"requests_per_day", nullptr},
                                                          {"tokens_per_minute", nullptr},
                                                          {"max_parallel", 5}}}}));
  json later = update(db.path, id_of(key), {"--rpd", "1000", "--max-parallel", "2", "--no-rpm"});
  CHECK(later == changed(after, later, {{"traffic_limits", {{"requests_per_minute", nullptr},
                                                           {"requests_per_day", 1000},
                                                           {"tokens_per_minute", nullptr},
                                                           {"max_parallel", 2}}}}));
}

TEST_CASE("cli: key update with only --no-tpm is a change, not nothing to update") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "throttled", "--rpm", "60", "--tpm", "20000"});
  json after = update(db.path, id_of(key), {"--no-tpm"});
  CHECK(after == changed(key, after, {{"traffic_limits", {{"requests_per_minute", 60},
                                                          {"requests_per_day", nullptr},
                                                          {"tokens_per_minute", nullptr},
                                                          {"max_parallel", nullptr}}}}));
}

TEST_CASE("cli: key update changes several fields at once") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "before", "--limit", "1", "--expires", "1d"});
  json after = update(db.path, id_of(key), {"-d", "after", "--no-limit", "--no-expires"});
  CHECK(after == changed(key, after, {{"description", "after"}, {"usage_limit", nullptr},
                                      {"expires_at", nullptr}}));
}

TEST_CASE("cli: key update without options is a usage error and changes nothing") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "kept"});
  CHECK(outcome_of(db.path, {"key", "update", id_of(key)}) ==
        refused(2, "nothing to update: give at least one option\nsee 'llmgw key update --help'"));
}

TEST_CASE("cli: key update without an id is a usage error") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "update"}) == refused(2, "missing argument <id>\nsee 'llmgw key update --help'"));
}

TEST_CASE("cli: key update of a missing key is not found") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "update", "key_aaaaaaaaaaaa", "-d", "x"}) ==
        refused(3, "key 'key_aaaaaaaaaaaa' not found"));
}

TEST_CASE("cli: key update of a deleted key is a conflict and changes nothing") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "gone"});
  REQUIRE(test::llmgw(db.path, {"key", "delete", "--yes", id_of(key)}).exit_code == 0);
  CHECK(outcome_of(db.path, {"key", "update", id_of(key), "-d", "back"}) ==
        refused(4, "key '" + id_of(key) + "' is deleted and cannot be updated"));
}

TEST_CASE("cli: key update --limit with --no-limit is a usage error and changes nothing") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "kept"});
  CHECK(outcome_of(db.path, {"key", "update", id_of(key), "--limit", "3", "--no-limit"}) ==
        refused(2, "--limit and --no-limit cannot be used together\n"
                   "see 'llmgw key update --help'"));
}

TEST_CASE("cli: key update --period with --no-period-limit is a usage error") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "kept", "--period-limit", "1", "--period", "1d"});
  CHECK(outcome_of(db.path, {"key", "update", id_of(key), "--no-period-limit", "--period",
                             "1w"}) == refused(2, "--period and --no-period-limit cannot be used "
                                            "together\nsee 'llmgw key update --help'"));
  CHECK(outcome_of(db.path, {"key", "update", id_of(key), "--no-period-limit", "--period-limit",
                             "2"}) == refused(2, "--period-limit and --no-period-limit cannot be "
                                            "used together\nsee 'llmgw key update --help'"));
}

TEST_CASE("cli: key update --expires with --no-expires is a usage error") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "kept"});
  CHECK(outcome_of(db.path, {"key", "update", id_of(key), "--expires", "1d", "--no-expires"}) ==
        refused(2, "--expires and --no-expires cannot be used together\n"
                   "see 'llmgw key update --help'"));
}

TEST_CASE("cli: key update with a traffic limit and its removal is a usage error") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "kept", "--rpm", "60"});
  for (const char* option : {"--rpm", "--rpd", "--tpm", "--max-parallel"}) {
    std::string removal = "--no-" + std::string(option + 2);
    CAPTURE(option);
    CHECK(outcome_of(db.path, {"key", "update", id_of(key), option, "5", removal}) ==
          refused(2, std::string(option) + " and " + removal +
                         " cannot be used together\nsee 'llmgw key update --help'"));
  }
}

TEST_CASE("cli: key update --period on a key without a period limit is a usage error") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "kept"});
  CHECK(outcome_of(db.path, {"key", "update", id_of(key), "--period", "1w"}) ==
        refused(2, "--period needs --period-limit: the key has no period limit yet\n"
                   "see 'llmgw key update --help'"));
}

TEST_CASE("cli: key update --period-limit on a key without a period limit is a usage error") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "kept"});
  CHECK(outcome_of(db.path, {"key", "update", id_of(key), "--period-limit", "2"}) ==
        refused(2, "--period-limit needs --period: the key has no period limit yet\n"
                   "see 'llmgw key update --help'"));
}

TEST_CASE("cli: key update with bad values is a usage error and changes nothing") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "kept", "--period-limit", "1", "--period", "1d"});
  std::string id = id_of(key);
  struct Case {
    std::vector<std::string> options;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{"-d", ""}, "invalid description: must be 1 to 255 characters, got 0\n"
                        "see 'llmgw key update --help'"},
           {{"-d", "tab\there"}, "invalid description: control characters are not allowed\n"
                                 "see 'llmgw key update --help'"},
           {{"--limit", "-1"}, "invalid --limit '-1': must not be negative\n"
                               "see 'llmgw key update --help'"},
           {{"--limit", "1e3"},
            "invalid --limit '1e3': expected a plain decimal number such as 10 or 0.5\n"
            "see 'llmgw key update --help'"},
           {{"--period-limit", "0.0000000000001"},
            "invalid --period-limit '0.0000000000001': at most 12 decimal places\n"
            "see 'llmgw key update --help'"},
           {{"--period", "0h"}, "invalid period '0h': must be 1h to 8760h\n"
                                "see 'llmgw key update --help'"},
           {{"--period", "1y"},
            "invalid period '1y': expected a count and a unit: 1h..8760h, 1d..365d, 1w..52w or "
            "1mo..12mo\nsee 'llmgw key update --help'"},
           {{"--expires", "0d"}, "invalid --expires '0d': must be greater than zero\n"
                                 "see 'llmgw key update --help'"},
           {{"--expires", "2020-01-01"},
            "invalid expiry '2020-01-01T00:00:00Z': must be in the future\n"
            "see 'llmgw key update --help'"},
           {{"--rpm", "0"}, "invalid --rpm '0': must be a whole number from 1 to 1000000000\n"
                            "see 'llmgw key update --help'"},
           {{"--tpm", "abc"}, "invalid --tpm 'abc': must be a whole number from 1 to 1000000000\n"
                              "see 'llmgw key update --help'"},
           {{"--max-parallel", "1000000001"},
            "invalid --max-parallel '1000000001': must be a whole number from 1 to 1000000000\n"
            "see 'llmgw key update --help'"},
           {{"--rpd", "-5", "--no-tpm"},
            "invalid --rpd '-5': must be a whole number from 1 to 1000000000\n"
            "see 'llmgw key update --help'"},
           {{"--bogus"}, "unknown option '--bogus'\nsee 'llmgw key update --help'"},
       }) {
    std::vector<std::string> args = {"key", "update", id};
    args.insert(args.end(), c.options.begin(), c.options.end());
    CAPTURE(c.message);
    CHECK(outcome_of(db.path, args) == refused(2, c.message));
  }
}
