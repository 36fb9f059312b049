// llmgw usage: the report in its three shapes, and every way to ask for it wrongly.
#include "core/timestamp.h"
#include "tests/support/cli_outcome.h"
#include "tests/support/logged_requests.h"
#include "tests/support/terminal.h"

#include <doctest/doctest.h>

using nlohmann::json;
using test::Outcome;
using test::outcome_of;
using test::refused;
using test::request;

namespace {

// `r` with 30 prompt tokens written to a cache (20 for 5 minutes, 10 for an hour) and 6
// completion tokens spent reasoning.
llmgw::UsageRecord with_parts(llmgw::UsageRecord r) {
  r.cache_write_5m_tokens = 20;
  r.cache_write_1h_tokens = 10;
  r.reasoning_tokens = 6;
  return r;
}

// Two keys and five requests over two UTC days.
struct UsageDatabase : test::TestDatabase {
  std::string a = test::create_key(path, {"-d", "a"})["id"].get<std::string>();
  std::string b = test::create_key(path, {"-d", "b"})["id"].get<std::string>();

  UsageDatabase() {
    test::log_requests(
        path, {with_parts(request(a, "2026-11-27T10:05:00Z", "gpt-4o", "openai", 200, 100, 10, 5,
                                  "0.001")),
               request(a, "2026-11-27T23:59:59Z", "gpt-4o", "azure", 200, 200, 20, 0, "0.002"),
               request(b, "2026-11-28T00:00:00Z", "claude", "anthropic", 500, 300, 0, 0, "0"),
               request(b, "2026-11-28T01:00:00Z", "o3", "", 403),
               request(a, "2026-11-28T02:30:00Z", "a,\"b\"", "openai", 200, 1, 2, 0,
                       "0.000000000001")});
  }
};

}  // namespace

TEST_CASE("cli: usage prints one total row, in a table on a terminal") {
  UsageDatabase db;
  test::Result shown = test::on_terminal(db.path, {"usage"});
  CHECK(shown.exit_code == 0);
  CHECK(shown.out ==
        "REQUESTS  ERRORS  PROMPT  COMPLETION  CACHED  CACHE WRITE  REASONING  COST\n"
        "5         2       601     32          5       30           6          "
        "$0.003000000001\n");
}

TEST_CASE("cli: usage --by model prints one row per model and a TOTAL row") {
  UsageDatabase db;
  CHECK(outcome_of(db.path, {"usage", "--by", "model"}) ==
        Outcome{0,
                "MODEL\tREQUESTS\tERRORS\tPROMPT\tCOMPLETION\tCACHED\tCACHE WRITE\tREASONING\t"
                "COST\n"
                "a,\"b\"\t1\t0\t1\t2\t0\t0\t0\t$0.000000000001\n"
                "claude\t1\t1\t300\t0\t0\t0\t0\t$0\n"
                "gpt-4o\t2\t0\t300\t30\t5\t30\t6\t$0.003\n"
                "o3\t1\t1\t0\t0\t0\t0\t0\t$0\n"
                "TOTAL\t5\t2\t601\t32\t5\t30\t6\t$0.003000000001\n",
                "", false});
}

TEST_CASE("cli: usage --by provider shows a request no provider served as -") {
  UsageDatabase db;
  CHECK(outcome_of(db.path, {"usage", "--by", "provider", "--since", "2026-11-28"}) ==
        Outcome{0,
                "PROVIDER\tREQUESTS\tERRORS\tPROMPT\tCOMPLETION\tCACHED\tCACHE WRITE\t"
                "REASONING\tCOST\n"
                "-\t1\t1\t0\t0\t0\t0\t0\t$0\n"
                "anthropic\t1\t1\t300\t0\t0\t0\t0\t$0\n"
                "openai\t1\t0\t1\t2\t0\t0\t0\t$0.000000000001\n"
                "TOTAL\t3\t2\t301\t2\t0\t0\t0\t$0.000000000001\n",
                "", false});
}

TEST_CASE("cli: usage --csv quotes as RFC 4180 and has no total row") {
  UsageDatabase db;
  CHECK(outcome_of(db.path, {"usage", "--by", "model", "--csv"}) ==
        Outcome{0,
                "model,requests,errors,prompt_tokens,completion_tokens,cached_tokens,cost,cache_write_tokens,reasoning_tokens\n"
                "\"a,\"\"b\"\"\",1,0,1,2,0,0.000000000001,0,0\n"
                "claude,1,1,300,0,0,0,0,0\n"
                "gpt-4o,2,0,300,30,5,0.003,30,6\n"
                "o3,1,1,0,0,0,0,0,0\n",
                "", false});
  CHECK(outcome_of(db.path, {"usage", "--csv"}) ==
        Outcome{0,
                "requests,errors,prompt_tokens,completion_tokens,cached_tokens,cost,cache_write_tokens,reasoning_tokens\n"
                "5,2,601,32,5,0.003000000001,30,6\n",
                "", false});
}

TEST_CASE("cli: usage --by day and --by hour are UTC, within --since and --until") {
  UsageDatabase db;
  CHECK(outcome_of(db.path, {"usage", "--by", "day", "--csv"}).out ==
        "day,requests,errors,prompt_tokens,completion_tokens,cached_tokens,cost,cache_write_tokens,reasoning_tokens\n"
        "2026-11-27,2,0,300,30,5,0.003,30,6\n"
        "2026-11-28,3,2,301,2,0,0.000000000001,0,0\n");
  CHECK(outcome_of(db.path, {"usage", "--by", "hour", "--csv", "--since",
                             "2026-11-27T23:59:59Z", "--until", "2026-11-28T02:30:00Z"})
            .out == "hour,requests,errors,prompt_tokens,completion_tokens,cached_tokens,cost,cache_write_tokens,reasoning_tokens\n"
                    "2026-11-27T23:00:00Z,1,0,200,20,0,0.002,0,0\n"
                    "2026-11-28T00:00:00Z,1,1,300,0,0,0,0,0\n"
                    "2026-11-28T01:00:00Z,1,1,0,0,0,0,0,0\n");
}

TEST_CASE("cli: usage --json prints one document with the range, the rows and the total") {
  UsageDatabase db;
  test::Result r = test::llmgw(db.path, {"--json", "usage", "--key", db.b, "--by", "key",
                                         "--until", "2026-11-28T02:00:00+01:00"});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "");
  json totals = {{"requests", 1},          {"errors", 1},
                 {"prompt_tokens", 300},     {"completion_tokens", 0},
                 {"cached_tokens", 0},       {"cache_write_tokens", 0},
                 {"reasoning_tokens", 0},    {"cost", "0"}};
  json row = totals;
  row["key"] = db.b;
  CHECK(test::parse_json(r.out) == json{{"since", nullptr},
                                        {"until", "2026-11-28T01:00:00Z"},
                                        {"by", "key"},
                                        {"rows", json::array({row})},
                                        {"total", totals}});
}

TEST_CASE("cli: usage --json without --by has one row, equal to the total") {
  UsageDatabase db;
  json document = test::parse_json(test::llmgw(db.path, {"--json", "usage"}).out);
  json total = {{"requests", 5},         {"errors", 2},
                {"prompt_tokens", 601},    {"completion_tokens", 32},
                {"cached_tokens", 5},      {"cache_write_tokens", 30},
                {"reasoning_tokens", 6},   {"cost", "0.003000000001"}};
  CHECK(document == json{{"since", nullptr},
                         {"until", nullptr},
                         {"by", nullptr},
                         {"rows", json::array({total})},
                         {"total", total}});
}

TEST_CASE("cli: usage --key counts only that key's requests") {
  UsageDatabase db;
  CHECK(outcome_of(db.path, {"usage", "--key", db.a, "--by", "provider", "--csv"}).out ==
        "provider,requests,errors,prompt_tokens,completion_tokens,cached_tokens,cost,cache_write_tokens,reasoning_tokens\n"
        "azure,1,0,200,20,0,0.002,0,0\n"
        "openai,2,0,101,12,5,0.001000000001,30,6\n");
}

TEST_CASE("cli: usage --since 7d counts from now minus 7 days") {
  test::TestDatabase db;
  std::string key = test::create_key(db.path, {"-d", "k"})["id"].get<std::string>();
  llmgw::Timestamp now = llmgw::SystemClock().now();
  auto at = [&](llmgw::Timestamp ago) { return llmgw::format_iso(now - ago); };
  test::log_requests(db.path, {request(key, at(8 * llmgw::k_ms_per_day), "m", "p"),
                               request(key, at(6 * llmgw::k_ms_per_day), "m", "p"),
                               request(key, at(llmgw::k_ms_per_hour), "m", "p")});
  json document = test::parse_json(test::llmgw(db.path, {"--json", "usage", "--since", "7d"}).out);
  CHECK(document["total"]["requests"] == 2);
  llmgw::Timestamp since = llmgw::parse_iso(document["since"].get<std::string>(), "since");
  CHECK(since >= now - 7 * llmgw::k_ms_per_day);
  CHECK(since < now - 7 * llmgw::k_ms_per_day + 60 * llmgw::k_ms_per_second);
  json until = test::parse_json(test::llmgw(db.path, {"--json", "usage", "--until", "7d"}).out);
  CHECK(until["total"]["requests"] == 1);
}

TEST_CASE("cli: usage of an unknown key is not found") {
  UsageDatabase db;
  CHECK(outcome_of(db.path, {"usage", "--key", "key_aaaaaaaaaaaa"}) ==
        refused(3, "key 'key_aaaaaaaaaaaa' not found"));
}

TEST_CASE("cli: usage refuses a bad --by") {
  UsageDatabase db;
  CHECK(outcome_of(db.path, {"usage", "--by", "week"}) ==
        refused(2, "invalid --by 'week': expected key, model, provider, day or hour\n"
                   "see 'llmgw usage --help'"));
}

TEST_CASE("cli: usage refuses a bad --since and a bad --until") {
  UsageDatabase db;
  CHECK(outcome_of(db.path, {"usage", "--since", "7x"}) ==
        refused(2, "invalid --since '7x': expected a duration such as 500ms, 90m, 12h, 30d or 2w\n"
                   "see 'llmgw usage --help'"));
  CHECK(outcome_of(db.path, {"usage", "--until", "2026-13-01"}) ==
        refused(2, "invalid --until '2026-13-01': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ\n"
                   "see 'llmgw usage --help'"));
  CHECK(outcome_of(db.path, {"usage", "--since", "2026-11-28T00:00:00"}) ==
        refused(2, "invalid --since '2026-11-28T00:00:00': a time needs a zone: Z or an offset "
                   "such as +02:00\nsee 'llmgw usage --help'"));
}

TEST_CASE("cli: usage refuses --since that is not before --until") {
  UsageDatabase db;
  CHECK(outcome_of(db.path, {"usage", "--since", "2026-11-28", "--until", "2026-11-28"}) ==
        refused(2, "--since (2026-11-28T00:00:00Z) must be before --until "
                   "(2026-11-28T00:00:00Z)\nsee 'llmgw usage --help'"));
}

TEST_CASE("cli: usage refuses --csv with --json") {
  UsageDatabase db;
  CHECK(outcome_of(db.path, {"--json", "usage", "--csv"}) ==
        refused(2, "--csv and --json cannot be used together\nsee 'llmgw usage --help'"));
}
