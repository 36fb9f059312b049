#include "core/timestamp.h"
#include "tests/support/cli_outcome.h"
#include "tests/support/terminal.h"

#include <doctest/doctest.h>

using nlohmann::json;
using test::Outcome;
using test::outcome_of;
using test::refused;

namespace {

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); !from.empty() && at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// `text` with each key's id and prefix replaced by tokens of the same width, so that
// columns stay aligned: the n-th key becomes key_nnnnnnnnnnnn and llmgtwy_nnnn.
std::string with_tokens(std::string text, const std::vector<json>& keys) {
  for (std::size_t i = 0; i < keys.size(); ++i) {
    char digit = static_cast<char>('1' + i);
    text = replace_all(text, keys[i]["id"], "key_" + std::string(12, digit));
    text = replace_all(text, keys[i]["prefix"], "llmgtwy_" + std::string(4, digit));
  }
  return text;
}

json without_secret(json key) {
  key.erase("secret");
  return key;
}

}  // namespace

TEST_CASE("cli: key list on an empty database prints only the header") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "list"}) ==
        Outcome{0, "ID\tPREFIX\tSTATUS\tUSAGE\tLIMIT\tPERIOD\tTRAFFIC\tEXPIRES\tRULES\t"
                   "DESCRIPTION\n",
                "", false});
}

TEST_CASE("cli: key list --json on an empty database is an empty array") {
  test::TestDatabase db;
  test::Result r = test::llmgw(db.path, {"--json", "key", "list"});
  CHECK(r.exit_code == 0);
  CHECK(test::parse_json(r.out) == json{{"keys", json::array()}});
  CHECK(r.err == "");
}

TEST_CASE("cli: key list prints a table of keys on a terminal, oldest first") {
  test::TestDatabase db;
  json first = test::create_key(db.path, {"-d", "first", "--limit", "5", "--period-limit", "1",
                                          "--period", "1d", "--expires", "2099-01-01", "--rpm",
                                          "60", "--rpd", "1000", "--tpm", "20000",
                                          "--max-parallel", "5"});
  json second = test::create_key(db.path, {"-d", "second, caf\xc3\xa9"});
  test::Result r = test::on_terminal(db.path, {"key", "list"});
  CHECK(r.exit_code == 0);
  CHECK(with_tokens(r.out, {first, second}) ==
        "ID                PREFIX           STATUS  USAGE  LIMIT      PERIOD          "
        "TRAFFIC                                          EXPIRES               RULES  "
        "DESCRIPTION\n"
        "key_111111111111  llmgtwy_1111...  active  $0     $5         $0 / $1 per 1d  "
        "60/min, 1000/day, 20000 tokens/min, 5 in flight  2099-01-01T00:00:00Z  0      "
        "first\n"
        "key_222222222222  llmgtwy_2222...  active  $0     unlimited  -               "
        "-                                                never                 0      "
        "second, caf\xc3\xa9\n");
}

TEST_CASE("cli: key list --json prints every key document, oldest first, without secrets") {
  test::TestDatabase db;
  json first = test::create_key(db.path, {"-d", "first", "--limit", "5"});
  json second = test::create_key(db.path, {"-d", "second", "--expires", "2099-01-01"});
  test::Result r = test::llmgw(db.path, {"--json", "key", "list"});
  CHECK(r.exit_code == 0);
  CHECK(test::parse_json(r.out) ==
        json{{"keys", json::array({without_secret(first), without_secret(second)})}});
  CHECK(r.out.find("secret") == std::string::npos);
}

TEST_CASE("cli: key list hides deleted keys and --all shows them") {
  test::TestDatabase db;
  json kept = test::create_key(db.path, {"-d", "kept"});
  json gone = test::create_key(db.path, {"-d", "gone"});
  REQUIRE(test::llmgw(db.path, {"key", "delete", "--yes", gone["id"]}).exit_code == 0);

  json listed = test::parse_json(test::llmgw(db.path, {"--json", "key", "list"}).out);
  REQUIRE(listed["keys"].size() == 1);
  CHECK(listed["keys"][0]["id"] == kept["id"]);

  json all = test::parse_json(test::llmgw(db.path, {"--json", "key", "list", "--all"}).out);
  REQUIRE(all["keys"].size() == 2);
  CHECK(all["keys"][0]["id"] == kept["id"]);
  CHECK(all["keys"][1]["id"] == gone["id"]);
  CHECK(all["keys"][1]["status"] == "deleted");
}

TEST_CASE("cli: key list --all shows a deleted key in the table") {
  test::TestDatabase db;
  json gone = test::create_key(db.path, {"-d", "gone"});
  REQUIRE(test::llmgw(db.path, {"key", "delete", "--yes", gone["id"]}).exit_code == 0);
  test::Result r = test::llmgw(db.path, {"key", "list", "--all"});
  CHECK(with_tokens(r.out, {gone}) ==
        "ID\tPREFIX\tSTATUS\tUSAGE\tLIMIT\tPERIOD\tTRAFFIC\tEXPIRES\tRULES\tDESCRIPTION\n"
        "key_111111111111\tllmgtwy_1111...\tdeleted\t$0\tunlimited\t-\t-\tnever\t0\tgone\n");
}

TEST_CASE("cli: key list shows an active key past its expiry as expired, and so does --json") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "old", "--expires", "1h"});
  test::set_key_column(db.path, key["id"], "expires_at", 1000);
  test::Result r = test::llmgw(db.path, {"key", "list"});
  CHECK(with_tokens(r.out, {key}) ==
        "ID\tPREFIX\tSTATUS\tUSAGE\tLIMIT\tPERIOD\tTRAFFIC\tEXPIRES\tRULES\tDESCRIPTION\n"
        "key_111111111111\tllmgtwy_1111...\texpired\t$0\tunlimited\t-\t-\t"
        "1970-01-01T00:00:01Z\t0\told\n");
  json listed = test::parse_json(test::llmgw(db.path, {"--json", "key", "list"}).out);
  CHECK(listed["keys"][0]["status"] == "expired");
  CHECK(listed["keys"][0]["expired"] == true);
  CHECK(listed["keys"][0]["expires_at"] == "1970-01-01T00:00:01Z");
}

TEST_CASE("cli: key list shows usage against the limits") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "spent", "--limit", "10", "--period-limit", "2",
                                        "--period", "12mo"});
  test::set_key_column(db.path, key["id"], "usage", 1'250'000'000'000);        // $1.25
  test::set_key_column(db.path, key["id"], "period_usage", 500'000'000'000);  // $0.5
  test::Result r = test::llmgw(db.path, {"key", "list"});
  CHECK(with_tokens(r.out, {key}) ==
        "ID\tPREFIX\tSTATUS\tUSAGE\tLIMIT\tPERIOD\tTRAFFIC\tEXPIRES\tRULES\tDESCRIPTION\n"
        "key_111111111111\tllmgtwy_1111...\tactive\t$1.25\t$10\t$0.5 / $2 per 12mo\t-\tnever\t0\t"
        "spent\n");
}

TEST_CASE("cli: key list takes no arguments") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "list", "extra"}) ==
        refused(2, "unexpected argument 'extra'\nsee 'llmgw key list --help'"));
}

TEST_CASE("cli: key show prints the fields of one key") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "shown", "--limit", "5", "--period-limit", "0.5",
                                        "--period", "12mo", "--expires", "2099-01-01", "--rpm",
                                        "60", "--rpd", "1000", "--tpm", "20000",
                                        "--max-parallel", "5"});
  test::Result r = test::llmgw(db.path, {"key", "show", key["id"]});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "");
  std::string out = replace_all(r.out, key["created_at"], "<created>");
  CHECK(with_tokens(out, {key}) ==
        "id:             key_111111111111\n"
        "prefix:         llmgtwy_1111...\n"
        "description:    shown\n"
        "status:         active\n"
        "usage:          $0\n"
        "usage limit:    $5\n"
        "period limit:   $0 / $0.5 per 12mo\n"
        "period resets:  " +
            key["period_limit"]["resets_at"].get<std::string>() +
            "\n"
            "traffic limits: 60/min, 1000/day, 20000 tokens/min, 5 in flight\n"
            "expires:        2099-01-01T00:00:00Z\n"
            "rules:          0\n"
            "created:        <created>\n"
            "updated:        <created>\n"
            "last used:      never\n");
}

TEST_CASE("cli: key show without limits says unlimited, - and never") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "plain"});
  test::set_key_column(db.path, key["id"], "last_used_at", 1798675200000);
  test::Result r = test::llmgw(db.path, {"key", "show", key["id"]});
  std::string out = replace_all(r.out, key["created_at"], "<created>");
  CHECK(with_tokens(out, {key}) ==
        "id:             key_111111111111\n"
        "prefix:         llmgtwy_1111...\n"
        "description:    plain\n"
        "status:         active\n"
        "usage:          $0\n"
        "usage limit:    unlimited\n"
        "period limit:   -\n"
        "traffic limits: -\n"
        "expires:        never\n"
        "rules:          0\n"
        "created:        <created>\n"
        "updated:        <created>\n"
        "last used:      2026-12-31T00:00:00Z\n");
}

TEST_CASE("cli: key show --json prints the key as create did, without the secret") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "shown", "--limit", "5", "--period-limit", "0.5",
                                        "--period", "12mo", "--expires", "2099-01-01", "--rpm",
                                        "60", "--tpm", "20000"});
  test::Result r = test::llmgw(db.path, {"--json", "key", "show", key["id"]});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "");
  json shown = test::parse_json(r.out);
  CHECK(shown == without_secret(key));
  CHECK(shown["traffic_limits"] == json{{"requests_per_minute", 60},
                                        {"requests_per_day", nullptr},
                                        {"tokens_per_minute", 20000},
                                        {"max_parallel", nullptr}});
}

TEST_CASE("cli: key show of a missing key is not found") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "show", "key_aaaaaaaaaaaa"}) ==
        refused(3, "key 'key_aaaaaaaaaaaa' not found"));
  CHECK(outcome_of(db.path, {"--json", "key", "show", "nonsense"}) ==
        refused(3, "key 'nonsense' not found"));
}

TEST_CASE("cli: key show without an id is a usage error") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "show"}) == refused(2, "missing argument <id>\nsee 'llmgw key show --help'"));
}

TEST_CASE("cli: key show with two ids is a usage error") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "one"});
  CHECK(outcome_of(db.path, {"key", "show", key["id"], key["id"]}) ==
        refused(2, "unexpected argument '" + key["id"].get<std::string>() +
                       "'\nsee 'llmgw key show --help'"));
}

TEST_CASE("cli: key show still shows a deleted key") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "gone"});
  REQUIRE(test::llmgw(db.path, {"key", "delete", "--yes", key["id"]}).exit_code == 0);
  json shown = test::parse_json(test::llmgw(db.path, {"--json", "key", "show", key["id"]}).out);
  CHECK(shown["status"] == "deleted");
  CHECK(shown["id"] == key["id"]);
}
