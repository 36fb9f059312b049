// Output for scripts: --json=FIELDS, --jq, and tables as tab-separated lines when stdout is
// not a terminal (llmgw(1), OPTIONS).
#include "tests/cli/iam_cli_fixture.h"
#include "tests/support/logged_requests.h"
#include "tests/support/terminal.h"

#include <doctest/doctest.h>

#include <fmt/format.h>

using test::Outcome;
using test::outcome_of;
using test::refused;
using test::run_ok;

namespace {

// Two keys: the first active, the second past its expiry.
struct TwoKeys : test::TestDatabase {
  std::string active = test::create_key(path, {"-d", "active one"})["id"];
  std::string expired = test::create_key(path, {"-d", "expired one", "--expires", "1h"})["id"];

  TwoKeys() { test::set_key_column(path, expired, "expires_at", 1'000); }
};

}  // namespace

TEST_CASE("cli: --json=FIELDS keeps those fields of each key of key list, and the status is "
          "the effective one") {
  TwoKeys db;
  CHECK(outcome_of(db.path, {"key", "list", "--json=status,id"}) ==
        Outcome{0,
                fmt::format("{{\n  \"keys\": [\n    {{\"id\":\"{}\",\"status\":\"active\"}},\n"
                            "    {{\"id\":\"{}\",\"status\":\"expired\"}}\n  ]\n}}\n",
                            db.active, db.expired),
                "", false});
}

TEST_CASE("cli: --json=FIELDS of one key, and --json before a key id takes no fields") {
  TwoKeys db;
  CHECK(outcome_of(db.path, {"key", "show", "--json=id,expired,status", db.expired}) ==
        Outcome{0,
                fmt::format("{{\n  \"expired\": true,\n  \"id\": \"{}\",\n  \"status\": "
                            "\"expired\"\n}}\n",
                            db.expired),
                "", false});
  test::Result whole = test::llmgw(db.path, {"key", "show", "--json", db.active});
  CHECK(whole.exit_code == 0);
  CHECK(test::parse_json(whole.out)["description"] == "active one");
}

TEST_CASE("cli: an unknown --json field is a usage error that names the valid ones") {
  TwoKeys db;
  CHECK(outcome_of(db.path, {"--json=id,idd", "key", "delete", "--yes", db.active}) ==
        refused(2,
                "unknown JSON field 'idd'; available: created_at, deleted, description, "
                "expired, expires_at, id, last_used_at, period_limit, prefix, rule_count, "
                "status, traffic_limits, updated_at, usage, usage_limit\n"
                 "see 'llmgw key delete --help'"));
}

TEST_CASE("cli: --json=FIELDS with --dry-run is a usage error") {
  TwoKeys db;
  CHECK(outcome_of(db.path, {"--json=id", "key", "disable", "--dry-run", db.active}) ==
        refused(2, "--json=FIELDS cannot be used with --dry-run, which prints the planned "
                   "changes; use --json\nsee 'llmgw key disable --help'"));
}

TEST_CASE("cli: --jq filters the JSON through jq and prints strings raw") {
  TwoKeys db;
  CHECK(outcome_of(db.path, {"key", "list", "--json=id,status", "--jq",
                             ".keys[] | select(.status==\"active\") | .id"}) ==
        Outcome{0, db.active + "\n", "", false});
  // Without --json, too.
  CHECK(outcome_of(db.path, {"--jq", ".description", "key", "show", db.expired}) ==
        Outcome{0, "expired one\n", "", false});
}

TEST_CASE("cli: the --jq expression reaches jq as one argument, never a shell") {
  TwoKeys db;
  CHECK(outcome_of(db.path, {"key", "show", db.active, "--jq", "\"$(echo hi); `id` $HOME\""}) ==
        Outcome{0, "$(echo hi); `id` $HOME\n", "", false});
}

TEST_CASE("cli: with --jq, jq's failure is llmgw's exit status") {
  TwoKeys db;
  test::Result compile = test::llmgw(db.path, {"key", "list", "--jq", ".keys["});
  CHECK(compile.exit_code == 3);
  CHECK(compile.out == "");
  CHECK(compile.err.rfind("jq: error: syntax error", 0) == 0);
  test::Result runtime = test::llmgw(db.path, {"key", "show", db.active, "--jq", ".id | .x"});
  CHECK(runtime.exit_code == 5);
  CHECK(runtime.out == "");
  CHECK(runtime.err.rfind("jq: error (at <stdin>:", 0) == 0);
}

TEST_CASE("cli: with --jq, llmgw's own failure keeps its exit status and message") {
  TwoKeys db;
  CHECK(outcome_of(db.path, {"key", "show", "key_aaaaaaaaaaaa", "--jq", ".id"}) ==
        refused(3, "key 'key_aaaaaaaaaaaa' not found"));
}

TEST_CASE("cli: --jq without a jq program is a usage error that runs nothing") {
  TwoKeys db;
  test::RunOptions no_jq;
  no_jq.env["PATH"] = db.dir.file("empty");
  CHECK(outcome_of(db.path, {"key", "create", "-d", "never", "--jq", ".id"}, no_jq) ==
        refused(2, "--jq needs the jq program (apt install jq)\nsee 'llmgw key create --help'"));
}

TEST_CASE("cli: without a terminal, a table is tab-separated lines, its header first") {
  test::LabDatabase db;
  CHECK(outcome_of(db.path, {"models", "--provider", "lab2"}) ==
        Outcome{0,
                "MODEL\tPROVIDER\tUPSTREAM\tINPUT\tOUTPUT\tCACHED\tCONTEXT\tMAX OUT\tSTREAM\n"
                "lab-chat\tlab2\tlab-chat\t$0.5\t$1\t$0.5\t-\t-\tyes\n",
                "", false});
  CHECK(outcome_of(db.path, {"models", "--provider", "lab2", "--no-headers"}) ==
        Outcome{0, "lab-chat\tlab2\tlab-chat\t$0.5\t$1\t$0.5\t-\t-\tyes\n", "", false});
}

TEST_CASE("cli: on a terminal, a table is aligned, with or without its header") {
  test::LabDatabase db;
  test::Result table = test::on_terminal(db.path, {"models", "--provider", "lab2"});
  CHECK(table.exit_code == 0);
  CHECK(table.out ==
        "MODEL     PROVIDER  UPSTREAM  INPUT  OUTPUT  CACHED  CONTEXT  MAX OUT  STREAM\n"
        "lab-chat  lab2      lab-chat  $0.5   $1      $0.5    -        -        yes\n");
  test::Result bare = test::on_terminal(db.path, {"models", "--provider", "lab2", "--no-headers"});
  CHECK(bare.exit_code == 0);
  CHECK(bare.out == "lab-chat  lab2  lab-chat  $0.5  $1  $0.5  -  -  yes\n");
}

TEST_CASE("cli: a tab or line break inside a cell becomes a space in tab-separated lines") {
  test::TestDatabase db;
  std::string key = test::create_key(db.path, {"-d", "k"})["id"];
  test::log_requests(db.path,
                     {test::request(key, "2026-11-27T10:00:00Z", "a\tb\nc", "", 400)});
  CHECK(outcome_of(db.path, {"logs", "--no-headers"}) ==
        Outcome{0,
                fmt::format("2026-11-27T10:00:00Z\t{}\ta b c\t-\t400\t0\t0\t0\t$0\t100ms\terror_400\n",
                            key),
                "", false});
}
