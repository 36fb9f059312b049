// The commands whose change cannot be undone ask first on a terminal, and need --yes
// where there is none: a script never waits on a question nobody sees.
#include "tests/cli/iam_cli_fixture.h"
#include "tests/support/db_dump.h"
#include "tests/support/temp_dir.h"
#include "tests/support/terminal.h"

#include <doctest/doctest.h>

using nlohmann::json;
using test::Outcome;
using test::outcome_of;
using test::refused;
using test::on_terminal;
using test::run_ok;

namespace {

// The refusal of `command`, whose help is that of `help_of`.
std::string no_terminal(const std::string& command, const std::string& help_of) {
  return "'" + command +
         "' changes data that cannot be restored; run it again with --yes to confirm (no "
         "terminal to ask on)\nsee 'llmgw " + help_of + " --help'";
}

}  // namespace

TEST_CASE("cli: without a terminal, a command that cannot be undone needs --yes") {
  test::LabDatabase db;
  std::string id = test::create_key(db.path, {"-d", "ci pipeline", "--deny-paid"})["id"];
  std::string file = db.dir.file("catalog.json");
  test::write_file(file, R"({"providers": [], "models": []})");
  struct Row {
    std::vector<std::string> args;
    std::string command;
    std::string help_of;
  };
  for (const Row& row : {
           Row{{"key", "delete", id}, "key delete", "key delete"},
           Row{{"key", "roll", id}, "key roll", "key roll"},
           Row{{"key", "rule", "clear", id}, "key rule clear", "key rule clear"},
           Row{{"model", "delete", "lab-chat"}, "model delete", "model delete"},
           Row{{"model", "rm", "lab-chat", "--provider", "lab"}, "model delete", "model delete"},
           Row{{"catalog", "import", "--replace", file}, "catalog import --replace",
               "catalog import"},
           Row{{"catalog", "reset"}, "catalog reset", "catalog reset"},
       }) {
    CAPTURE(row.command);
    CHECK(outcome_of(db.path, row.args) == refused(2, no_terminal(row.command, row.help_of)));
  }
}

TEST_CASE("cli: -y is --yes") {
  test::TestDatabase db;
  std::string id = test::create_key(db.path, {"-d", "ci pipeline"})["id"];
  CHECK(outcome_of(db.path, {"key", "delete", id, "-y"}) ==
        Outcome{0, "", "Deleted key " + id + ".\n", true});
}

TEST_CASE("cli: there is nothing to confirm when there is nothing to lose") {
  test::TestDatabase db;
  std::string id = test::create_key(db.path, {"-d", "no rules"})["id"];
  CHECK(outcome_of(db.path, {"key", "delete", "key_aaaaaaaaaaaa"}) ==
        refused(3, "key 'key_aaaaaaaaaaaa' not found"));
  CHECK(outcome_of(db.path, {"key", "delete", "key_aaaaaaaaaaaa", "--if-exists"}) ==
        Outcome{0, "", "Key key_aaaaaaaaaaaa was not there; nothing to do.\n", false});
  CHECK(outcome_of(db.path, {"key", "rule", "clear", id}) ==
        Outcome{0, "", "Removed 0 rules from key " + id + ".\n", false});
  CHECK(outcome_of(db.path, {"model", "rm", "nowhere"}) ==
        refused(3, "model 'nowhere' not found"));
  run_ok(db.path, {"key", "delete", "--yes", id});
  CHECK(outcome_of(db.path, {"key", "roll", id}) ==
        refused(4, "key '" + id + "' is deleted and cannot be rolled"));
}

TEST_CASE("cli: import --replace of stdin needs --yes: stdin is the file, not an answer") {
  test::TestDatabase db;
  test::RunOptions options;
  options.stdin_text = R"({"providers": [], "models": []})";
  CHECK(outcome_of(db.path, {"catalog", "import", "--replace", "-"}, options) ==
        refused(2, no_terminal("catalog import --replace", "catalog import")));
}

TEST_CASE("cli: --yes belongs to import --replace only") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"catalog", "import", "--yes", "x.json"}) ==
        refused(2, "--yes needs --replace\nsee 'llmgw catalog import --help'"));
}

TEST_CASE("cli: on a terminal, key delete asks first and anything but yes changes nothing") {
  test::TestDatabase db;
  std::string id = test::create_key(db.path, {"-d", "ci pipeline"})["id"];
  std::string question = "Delete key " + id +
                         " (ci pipeline)? Its secret stops working at once and it cannot be "
                         "re-enabled. [y/N] ";
  for (const char* answer : {"n\n", "\n", "yess\n"}) {
    CAPTURE(answer);
    std::string before = test::dump_database(db.path);
    test::Result no = on_terminal(db.path, {"key", "delete", id}, answer);
    CHECK(no.exit_code == 1);
    CHECK(no.out == question + "llmgw: error: cancelled; nothing changed\n");
    CHECK(test::dump_database(db.path) == before);
  }
  test::Result yes = on_terminal(db.path, {"key", "delete", id}, "YES\n");
  CHECK(yes.exit_code == 0);
  CHECK(yes.out == question + "Deleted key " + id + ".\n");
  CHECK(test::parse_json(run_ok(db.path, {"--json", "key", "show", id}))["status"] == "deleted");
}

TEST_CASE("cli: on a terminal, model delete asks about the mapping or the whole model") {
  test::LabDatabase db;
  std::string before = test::dump_database(db.path);
  test::Result mapping =
      on_terminal(db.path, {"model", "delete", "lab-chat", "--provider", "lab"}, "n\n");
  CHECK(mapping.exit_code == 1);
  CHECK(mapping.out ==
        "Delete the lab mapping of model lab-chat? Requests for the model go to its other "
        "providers. [y/N] llmgw: error: cancelled; nothing changed\n");
  CHECK(test::dump_database(db.path) == before);
  test::Result whole = on_terminal(db.path, {"model", "rm", "lab-paid"}, "y\n");
  CHECK(whole.exit_code == 0);
  CHECK(whole.out ==
        "Delete model lab-paid (lab-paid) and its 1 provider mapping? Clients asking for it are "
        "refused until it is added again. [y/N] Deleted model lab-paid.\n");
  CHECK(test::dump_database(db.path) != before);
  CHECK(test::has_line(run_ok(db.path, {"models", "--provider", "lab"}), "lab-chat\t.*"));
}
