// catalog reset: every change made to the built-in catalog is forgotten.
#include "tests/cli/iam_cli_fixture.h"
#include "tests/support/db_dump.h"

#include <doctest/doctest.h>

using nlohmann::json;
using test::Outcome;
using test::outcome_of;
using test::run_ok;

TEST_CASE("cli: catalog reset restores the built-in catalog") {
  test::TestDatabase fresh;
  std::string builtin = run_ok(fresh.path, {"catalog", "export"});
  test::LabDatabase db;
  run_ok(db.path, {"provider", "set", "openai", "--disable"});
  run_ok(db.path, {"model", "rm", "--yes", "gpt-4o"});
  run_ok(db.path, {"model", "update", "gpt-4o-mini", "--provider", "openai", "--input-price",
                   "9"});
  REQUIRE(run_ok(db.path, {"catalog", "export"}) != builtin);
  Outcome o = outcome_of(db.path, {"catalog", "reset", "--yes"});
  CHECK(o.exit_code == 0);
  CHECK(o.out == "");
  CHECK(test::matches(o.err, "Restored the built-in catalog \\(\\d+ changes undone\\)\\.\n"));
  CHECK(run_ok(db.path, {"catalog", "export"}) == builtin);
  CHECK(outcome_of(db.path, {"catalog", "reset", "--yes"}) ==
        Outcome{0, "", "The catalog was the built-in one; nothing to do.\n", false});
}

TEST_CASE("cli: catalog reset --json says how many stored changes it undid") {
  test::TestDatabase db;
  run_ok(db.path, {"provider", "set", "openai", "--disable"});
  run_ok(db.path, {"model", "rm", "--yes", "gpt-4o"});
  CHECK(test::parse_json(run_ok(db.path, {"--json", "catalog", "reset", "--yes"})) ==
        json{{"changed", 2}});
}

TEST_CASE("cli: catalog reset keeps keys and their rules") {
  test::LabDatabase db;
  std::string id = test::create_key(db.path, {"-d", "ci", "--allow-model", "lab-chat"})["id"];
  std::string rules = run_ok(db.path, {"--json", "key", "rule", "list", id});
  run_ok(db.path, {"catalog", "reset", "--yes"});
  CHECK(run_ok(db.path, {"--json", "key", "rule", "list", id}) == rules);
  CHECK(test::parse_json(run_ok(db.path, {"--json", "key", "show", id}))["status"] == "active");
}

TEST_CASE("cli: catalog reset --dry-run lists what would go back to the built-in values") {
  test::TestDatabase db;
  run_ok(db.path, {"provider", "set", "openai", "--disable"});
  run_ok(db.path, {"provider", "set", "lab", "--base-url", "http://127.0.0.1:9/v1"});
  run_ok(db.path, {"model", "rm", "--yes", "gpt-4o"});
  std::string before = test::dump_database(db.path);
  Outcome o = outcome_of(db.path, {"catalog", "reset", "--dry-run"});
  CHECK(o.exit_code == 0);
  CHECK(o.err == "Dry run: nothing was written.\n");
  CHECK(test::has_line(o.out, "change provider openai: enabled false -> true"));
  CHECK(test::has_line(o.out, "remove provider lab"));
  CHECK(test::has_line(o.out, "add model gpt-4o"));
  CHECK(std::count(o.out.begin(), o.out.end(), '\n') == 3);
  CHECK_FALSE(o.database_changed);
  CHECK(test::dump_database(db.path) == before);
}
