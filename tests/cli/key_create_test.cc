#include "core/period.h"
#include "core/secret.h"
#include "core/timestamp.h"
#include "tests/support/cli_outcome.h"
#include "tests/support/temp_dir.h"
#include "tests/support/db_dump.h"

#include <doctest/doctest.h>


using llmgw::format_iso;
using llmgw::parse_iso;
using nlohmann::json;
using test::outcome_of;
using test::refused;

namespace {

// The window a period limit of `period` shows right after a key was created at `created`.
json first_window(const std::string& period, const json& created) {
  llmgw::Period p = llmgw::Period::parse(period);
  llmgw::Timestamp anchor = p.anchor_for(parse_iso(created.get<std::string>(), "created_at"));
  llmgw::Window w = p.window_at(anchor, anchor);
  return {{"window_start", format_iso(w.start)}, {"resets_at", format_iso(w.end)}};
}

}  // namespace

TEST_CASE("cli: key create prints the secret alone on stdout and the id on stderr") {
  test::TestDatabase db;
  test::Result r = test::llmgw(db.path, {"key", "create", "-d", "ci runner"});
  CHECK(r.exit_code == 0);
  REQUIRE(r.out.size() == llmgw::k_secret_length + 1);
  CHECK(llmgw::is_well_formed_secret(r.out.substr(0, llmgw::k_secret_length)));
  CHECK(r.out.back() == '\n');

  json keys = test::parse_json(test::llmgw(db.path, {"--json", "key", "list"}).out)["keys"];
  REQUIRE(keys.size() == 1);
  std::string id = keys[0]["id"];
  CHECK(r.err == "Created key " + id +
                     ". The secret above is shown only once: store it now.\n");
  CHECK(r.out.rfind(keys[0]["prefix"].get<std::string>(), 0) == 0);
}

TEST_CASE("cli: key create --json prints the whole key with its secret") {
  test::TestDatabase db;
  test::Result r = test::llmgw(db.path, {"--json", "key", "create", "-d", "ci runner"});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "");
  json key = test::parse_json(r.out);
  CHECK(test::normalized(key) == json::parse(R"({
    "id": "<id>", "prefix": "<prefix>", "secret": "<secret>", "description": "ci runner",
    "status": "active", "expired": false, "usage": "0", "usage_limit": null,
    "period_limit": null, "expires_at": null, "rule_count": 0,
    "traffic_limits": {"requests_per_minute": null, "requests_per_day": null,
                       "tokens_per_minute": null, "max_parallel": null},
    "created_at": "<time>", "updated_at": "<time>", "last_used_at": null})"));
  CHECK(key["created_at"] == key["updated_at"]);
}

TEST_CASE("cli: key create's created_at is now") {
  test::TestDatabase db;
  llmgw::Timestamp before = llmgw::SystemClock().now();
  json key = test::create_key(db.path, {"-d", "timed"});
  llmgw::Timestamp after = llmgw::SystemClock().now();
  llmgw::Timestamp created = parse_iso(key["created_at"].get<std::string>(), "created_at");
  CHECK(created >= before);
  CHECK(created <= after);
}

TEST_CASE("cli: key create with every limit option") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"--description", "metered", "--limit", "25.5",
                                        "--period-limit", "1.25", "--period", "1mo",
                                        "--expires", "2099-01-01", "--rpm", "60", "--rpd",
                                        "1000", "--tpm", "20000", "--max-parallel", "5"});
  json expected = json::parse(R"({
    "id": "<id>", "prefix": "<prefix>", "secret": "<secret>", "description": "metered",
    "status": "active", "expired": false, "usage": "0", "usage_limit": "25.5",
    "period_limit": {"amount": "1.25", "period": "1mo", "usage": "0"},
    "expires_at": "2099-01-01T00:00:00Z", "rule_count": 0,
    "traffic_limits": {"requests_per_minute": 60, "requests_per_day": 1000,
                       "tokens_per_minute": 20000, "max_parallel": 5},
    "created_at": "<time>", "updated_at": "<time>", "last_used_at": null})");
  expected["period_limit"].update(first_window("1mo", key["created_at"]));
  CHECK(test::normalized(key) == expected);
}

TEST_CASE("cli: key create --period 1d resets at the next midnight UTC") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "daily", "--period-limit", "1", "--period", "1d"});
  std::string day = key["created_at"].get<std::string>().substr(0, 10);
  CHECK(key["period_limit"]["window_start"] == day + "T00:00:00Z");
  CHECK(key["period_limit"] == json{{"amount", "1"},
                                    {"period", "1d"},
                                    {"usage", "0"},
                                    {"window_start", day + "T00:00:00Z"},
                                    {"resets_at", format_iso(parse_iso(day, "d") + llmgw::k_ms_per_day)}});
}

TEST_CASE("cli: key create --limit 0 is a limit of zero, not unlimited") {
  test::TestDatabase db;
  CHECK(test::create_key(db.path, {"-d", "blocked", "--limit", "0"})["usage_limit"] == "0");
}

TEST_CASE("cli: key create --expires takes a duration from now") {
  test::TestDatabase db;
  for (const auto& [text, ms] : std::vector<std::pair<std::string, llmgw::Timestamp>>{
           {"90m", 90 * 60 * 1000}, {"12h", 12 * llmgw::k_ms_per_hour},
           {"30d", 30 * llmgw::k_ms_per_day}, {"2w", 14 * llmgw::k_ms_per_day},
           {"3600s", llmgw::k_ms_per_hour}}) {
    CAPTURE(text);
    json key = test::create_key(db.path, {"-d", "expiring", "--expires", text});
    llmgw::Timestamp created = parse_iso(key["created_at"].get<std::string>(), "c");
    llmgw::Timestamp expires = parse_iso(key["expires_at"].get<std::string>(), "e");
    // The expiry is taken from the clock a moment before the key's creation time.
    CHECK(expires - created <= ms);
    CHECK(expires - created > ms - 5000);
  }
}

TEST_CASE("cli: key create --expires takes an ISO time in any zone and shows it in UTC") {
  test::TestDatabase db;
  CHECK(test::create_key(db.path, {"-d", "x", "--expires", "2099-06-01T12:00:00+02:00"})
            ["expires_at"] == "2099-06-01T10:00:00Z");
  CHECK(test::create_key(db.path, {"-d", "x", "--expires", "2099-06-01T12:00:00.250Z"})
            ["expires_at"] == "2099-06-01T12:00:00.250Z");
  CHECK(test::create_key(db.path, {"-d", "x", "--expires", "2099-06-01"})["expires_at"] ==
        "2099-06-01T00:00:00Z");
}

TEST_CASE("cli: key create --expires with a word is a duration error and changes nothing") {
  test::TestDatabase db;
  test::Result r = test::llmgw(db.path, {"key", "create", "-d", "x", "--expires", "later"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "llmgw: error: invalid --expires 'later': expected a duration such as 500ms, "
                 "90m, 12h, 30d or 2w\nsee 'llmgw key create --help'\n");
  CHECK(test::llmgw(db.path, {"--json", "key", "list"}).out.find("\"keys\": []") !=
        std::string::npos);
}

TEST_CASE("cli: key create accepts --json after the command") {
  test::TestDatabase db;
  test::Result r = test::llmgw(db.path, {"key", "create", "-d", "late flag", "--json"});
  CHECK(r.exit_code == 0);
  CHECK(test::parse_json(r.out)["description"] == "late flag");
}

TEST_CASE("cli: key create keeps a description in any language") {
  test::TestDatabase db;
  std::string description = "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\x91 'quoted' \"too\"";
  CHECK(test::create_key(db.path, {"-d", description})["description"] == description);
  std::string longest;
  for (int i = 0; i < 255; ++i) {
    longest += "\xc3\xa9";
  }
  CHECK(test::create_key(db.path, {"-d", longest})["description"] == longest);
}

TEST_CASE("cli: key create without -d is a usage error and changes nothing") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create"}) == refused(2, "missing option --description\nsee 'llmgw key create --help'"));
}

TEST_CASE("cli: key create -d without a value is a usage error and changes nothing") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d"}) ==
        refused(2, "option --description needs a value\nsee 'llmgw key create --help'"));
}

TEST_CASE("cli: key create -d twice is a usage error and changes nothing") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", "a", "-d", "b"}) ==
        refused(2, "option --description given more than once\n"
                   "see 'llmgw key create --help'"));
}

TEST_CASE("cli: key create with an empty description is a usage error and changes nothing") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", ""}) ==
        refused(2, "invalid description: must be 1 to 255 characters, got 0\n"
                   "see 'llmgw key create --help'"));
}

TEST_CASE("cli: key create with a 256-character description is a usage error") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", std::string(256, 'a')}) ==
        refused(2, "invalid description: must be 1 to 255 characters, got 256\n"
                   "see 'llmgw key create --help'"));
}

TEST_CASE("cli: key create with a control character in the description is a usage error") {
  test::TestDatabase db;
  for (std::string description : {"a\tb", "line\nbreak", "\x1b[31mred", "del\x7f"}) {
    CAPTURE(description);
    CHECK(outcome_of(db.path, {"key", "create", "-d", description}) ==
          refused(2, "invalid description: control characters are not allowed\n"
                     "see 'llmgw key create --help'"));
  }
}

TEST_CASE("cli: key create with invalid UTF-8 in the description is a usage error") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", "bad \xff byte"}) ==
        refused(2, "invalid description: not valid UTF-8\nsee 'llmgw key create --help'"));
}

TEST_CASE("cli: key create --limit -1 is a usage error and changes nothing") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--limit", "-1"}) ==
        refused(2, "invalid --limit '-1': must not be negative\nsee 'llmgw key create --help'"));
}

TEST_CASE("cli: key create --limit NaN is a usage error and changes nothing") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--limit", "NaN"}) ==
        refused(2, "invalid --limit 'NaN': expected a plain decimal number such as 10 or 0.5\n"
                   "see 'llmgw key create --help'"));
}

TEST_CASE("cli: key create --limit 1e309 is a usage error and changes nothing") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--limit", "1e309"}) ==
        refused(2, "invalid --limit '1e309': expected a plain decimal number such as 10 or 0.5\n"
                   "see 'llmgw key create --help'"));
}

TEST_CASE("cli: key create with an empty --limit is a usage error and changes nothing") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--limit", ""}) ==
        refused(2, "invalid --limit '': expected a number such as 10 or 0.5\n"
                   "see 'llmgw key create --help'"));
}

TEST_CASE("cli: key create --limit .5 and 1. are usage errors and change nothing") {
  test::TestDatabase db;
  for (std::string limit : {".5", "1."}) {
    CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--limit", limit}) ==
          refused(2, "invalid --limit '" + limit +
                         "': expected a plain decimal number such as 10 or 0.5\n"
                         "see 'llmgw key create --help'"));
  }
}

TEST_CASE("cli: key create --limit with 13 decimals is a usage error and changes nothing") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--limit", "0.0000000000001"}) ==
        refused(2, "invalid --limit '0.0000000000001': at most 12 decimal places\n"
                   "see 'llmgw key create --help'"));
}

TEST_CASE("cli: key create --limit past the largest amount is a usage error") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--limit", "9223372.036854775808"}) ==
        refused(2, "invalid --limit '9223372.036854775808': too large\n"
                   "see 'llmgw key create --help'"));
}

TEST_CASE("cli: key create --limit without a value is a usage error") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--limit"}) ==
        refused(2, "option --limit needs a value\nsee 'llmgw key create --help'"));
}

TEST_CASE("cli: key create with a bad traffic limit is a usage error and changes nothing") {
  test::TestDatabase db;
  for (const auto& [option, value] : std::vector<std::pair<std::string, std::string>>{
           {"--rpm", "0"}, {"--rpd", "-1"}, {"--tpm", "abc"}, {"--max-parallel", "1000000001"},
           {"--rpm", "1.5"}, {"--tpm", ""}}) {
    CAPTURE(option);
    CHECK(outcome_of(db.path, {"key", "create", "-d", "x", option, value}) ==
          refused(2, "invalid " + option + " '" + value +
                         "': must be a whole number from 1 to 1000000000\n"
                         "see 'llmgw key create --help'"));
  }
}

TEST_CASE("cli: key create --period-limit with a bad amount is a usage error") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--period-limit", "-5", "--period",
                             "1d"}) ==
        refused(2, "invalid --period-limit '-5': must not be negative\n"
                   "see 'llmgw key create --help'"));
}

TEST_CASE("cli: key create --period-limit without --period is a usage error") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--period-limit", "1"}) ==
        refused(2, "--period-limit and --period go together\nsee 'llmgw key create --help'"));
}

TEST_CASE("cli: key create --period without --period-limit is a usage error") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--period", "1d"}) ==
        refused(2, "--period-limit and --period go together\nsee 'llmgw key create --help'"));
}

TEST_CASE("cli: key create --period outside its range is a usage error and changes nothing") {
  test::TestDatabase db;
  struct Case {
    const char* period;
    const char* range;
  };
  for (const Case& c : {Case{"0h", "1h to 8760h"}, Case{"8761h", "1h to 8760h"},
                        Case{"366d", "1d to 365d"}, Case{"53w", "1w to 52w"},
                        Case{"13mo", "1mo to 12mo"}}) {
    CAPTURE(c.period);
    CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--period-limit", "1", "--period",
                               c.period}) ==
          refused(2, std::string("invalid period '") + c.period + "': must be " + c.range +
                         "\nsee 'llmgw key create --help'"));
  }
}

TEST_CASE("cli: key create --period 1y is a usage error and changes nothing") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--period-limit", "1", "--period",
                             "1y"}) ==
        refused(2, "invalid period '1y': expected a count and a unit: 1h..8760h, 1d..365d, "
                   "1w..52w or 1mo..12mo\nsee 'llmgw key create --help'"));
}

TEST_CASE("cli: key create --expires 0d is a usage error and changes nothing") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--expires", "0d"}) ==
        refused(2, "invalid --expires '0d': must be greater than zero\n"
                   "see 'llmgw key create --help'"));
}

TEST_CASE("cli: key create --expires with an unknown unit is a usage error") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--expires", "soon"}) ==
        refused(2, "invalid --expires 'soon': expected a duration such as 500ms, 90m, 12h, 30d "
                   "or 2w\nsee 'llmgw key create --help'"));
}

TEST_CASE("cli: key create --expires in the past is a usage error and changes nothing") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--expires", "2020-01-01"}) ==
        refused(2, "invalid expiry '2020-01-01T00:00:00Z': must be in the future\n"
                   "see 'llmgw key create --help'"));
}

TEST_CASE("cli: key create --expires with an impossible date is a usage error") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--expires", "2099-02-30"}) ==
        refused(2, "invalid --expires '2099-02-30': expected YYYY-MM-DD or "
                   "YYYY-MM-DDTHH:MM:SSZ\nsee 'llmgw key create --help'"));
}

TEST_CASE("cli: key create --expires with a time but no zone is a usage error") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--expires", "2099-01-01T00:00:00"}) ==
        refused(2, "invalid --expires '2099-01-01T00:00:00': a time needs a zone: Z or an "
                   "offset such as +02:00\nsee 'llmgw key create --help'"));
}

TEST_CASE("cli: key create with an unknown option is a usage error and changes nothing") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--bogus"}) ==
        refused(2, "unknown option '--bogus'\nsee 'llmgw key create --help'"));
}

TEST_CASE("cli: key create with an extra argument is a usage error and changes nothing") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "extra"}) ==
        refused(2, "unexpected argument 'extra'\nsee 'llmgw key create --help'"));
}

TEST_CASE("cli: key create with bad input does not create a missing database") {
  test::TempDir dir;
  std::string db = dir.file("data/llmgw.db");
  CHECK(outcome_of(db, {"key", "create", "-d", ""}) ==
        refused(2, "invalid description: must be 1 to 255 characters, got 0\n"
                   "see 'llmgw key create --help'"));
  CHECK(outcome_of(db, {"key", "create", "-d", "x", "--expires", "2020-01-01"}) ==
        refused(2, "invalid expiry '2020-01-01T00:00:00Z': must be in the future\n"
                   "see 'llmgw key create --help'"));
  CHECK(outcome_of(db, {"key", "create", "-d", "x", "--limit", "-1"}) ==
        refused(2, "invalid --limit '-1': must not be negative\nsee 'llmgw key create --help'"));
  CHECK(outcome_of(db, {"key", "create", "-d", "x", "--rpm", "0"}) ==
        refused(2, "invalid --rpm '0': must be a whole number from 1 to 1000000000\n"
                   "see 'llmgw key create --help'"));
  CHECK_FALSE(test::exists(dir.file("data")));
}

TEST_CASE("cli: key create on a missing database makes none and mints no key") {
  test::TempDir dir;
  std::string db = dir.file("data/llmgw.db");
  test::Result r = test::llmgw(db, {"key", "create", "-d", "first"});
  CHECK(r.exit_code == 3);
  CHECK(r.out == "");  // no secret for a key nobody could use
  CHECK_FALSE(test::exists(db));
  REQUIRE(test::llmgw(db, {"init"}).exit_code == 0);
  CHECK(test::llmgw(db, {"key", "create", "-d", "first"}).exit_code == 0);
  json keys = test::parse_json(test::llmgw(db, {"--json", "key", "list"}).out)["keys"];
  CHECK(keys.size() == 1);
}
