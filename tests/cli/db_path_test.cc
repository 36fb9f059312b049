// Where the database is: --db, else $LLMGW_DB, else $XDG_DATA_HOME/llmgw/llmgw.db, else
// $HOME/.local/share/llmgw/llmgw.db (the packaged service's database between the last two:
// doctor_test.cc).
#include "tests/support/cli_outcome.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <doctest/doctest.h>


using nlohmann::json;

namespace {

const std::vector<std::string> k_location_env = {"LLMGW_DB", "XDG_DATA_HOME", "HOME"};

// Runs `llmgw <args...>` with only the given location variables set.
test::Result run_with(const std::map<std::string, std::string>& env,
                      const std::vector<std::string>& args) {
  test::RunOptions options;
  options.unset_env = k_location_env;
  options.env = env;
  std::vector<std::string> argv = {test::llmgw_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run(argv, options);
}

std::string database_of(const test::Result& r) {
  json document = test::parse_json(r.out);
  return r.exit_code == 0 && document.contains("database") ? document["database"].get<std::string>()
                                                           : "<failed: " + r.err + ">";
}

}  // namespace

TEST_CASE("cli: --db wins over $LLMGW_DB, $XDG_DATA_HOME and $HOME") {
  test::TempDir dir;
  test::Result r = run_with({{"LLMGW_DB", dir.file("env.db")},
                             {"XDG_DATA_HOME", dir.file("xdg")},
                             {"HOME", dir.file("home")}},
                            {"--db", dir.file("flag.db"), "--json", "init"});
  CHECK(database_of(r) == dir.file("flag.db"));
  CHECK(test::exists(dir.file("flag.db")));
  CHECK_FALSE(test::exists(dir.file("env.db")));
  CHECK_FALSE(test::exists(dir.file("xdg")));
  CHECK_FALSE(test::exists(dir.file("home")));
}

TEST_CASE("cli: --db is accepted after the command too") {
  test::TempDir dir;
  test::Result r = run_with({{"LLMGW_DB", dir.file("env.db")}},
                            {"init", "--json", "--db", dir.file("flag.db")});
  CHECK(database_of(r) == dir.file("flag.db"));
  CHECK_FALSE(test::exists(dir.file("env.db")));
}

TEST_CASE("cli: $LLMGW_DB wins over $XDG_DATA_HOME and $HOME") {
  test::TempDir dir;
  test::Result r = run_with({{"LLMGW_DB", dir.file("env.db")},
                             {"XDG_DATA_HOME", dir.file("xdg")},
                             {"HOME", dir.file("home")}},
                            {"--json", "init"});
  CHECK(database_of(r) == dir.file("env.db"));
  CHECK(test::exists(dir.file("env.db")));
  CHECK_FALSE(test::exists(dir.file("xdg")));
  CHECK_FALSE(test::exists(dir.file("home")));
}

TEST_CASE("cli: $XDG_DATA_HOME/llmgw/llmgw.db when $LLMGW_DB is not set") {
  test::TempDir dir;
  test::Result r = run_with({{"XDG_DATA_HOME", dir.file("xdg")}, {"HOME", dir.file("home")}},
                            {"--json", "init"});
  CHECK(database_of(r) == dir.file("xdg/llmgw/llmgw.db"));
  CHECK(test::exists(dir.file("xdg/llmgw/llmgw.db")));
  CHECK_FALSE(test::exists(dir.file("home")));
}

TEST_CASE("cli: $HOME/.local/share/llmgw/llmgw.db when nothing else is set") {
  test::TempDir dir;
  test::Result r = run_with({{"HOME", dir.file("home")}}, {"--json", "init"});
  CHECK(database_of(r) == dir.file("home/.local/share/llmgw/llmgw.db"));
  CHECK(test::exists(dir.file("home/.local/share/llmgw/llmgw.db")));
}

TEST_CASE("cli: empty $LLMGW_DB and $XDG_DATA_HOME count as unset") {
  test::TempDir dir;
  test::Result r = run_with({{"LLMGW_DB", ""}, {"XDG_DATA_HOME", ""}, {"HOME", dir.file("home")}},
                            {"--json", "init"});
  CHECK(database_of(r) == dir.file("home/.local/share/llmgw/llmgw.db"));
}

TEST_CASE("cli: the same database is found again by the same variables") {
  test::TempDir dir;
  std::map<std::string, std::string> env = {{"XDG_DATA_HOME", dir.file("xdg")}};
  REQUIRE(run_with(env, {"init"}).exit_code == 0);
  REQUIRE(run_with(env, {"key", "create", "-d", "found again"}).exit_code == 0);
  test::Result list = run_with(env, {"--json", "key", "list"});
  CHECK(list.exit_code == 0);
  json keys = test::parse_json(list.out)["keys"];
  REQUIRE(keys.size() == 1);
  CHECK(keys[0]["description"] == "found again");
}

TEST_CASE("cli: no --db and no location variable is a usage error") {
  test::Result r = run_with({}, {"key", "list"});
  CHECK(r.exit_code == 2);
  CHECK(r.out == "");
  CHECK(r.err ==
        "llmgw: error: no database path: give --db PATH or set LLMGW_DB, XDG_DATA_HOME or HOME\n"
        "see 'llmgw key list --help'\n");
}

TEST_CASE("cli: --db with an empty path is a usage error") {
  test::TempDir dir;
  test::Result r = run_with({{"HOME", dir.file("home")}}, {"--db", "", "init"});
  CHECK(r.exit_code == 2);
  CHECK(r.out == "");
  CHECK(r.err == "llmgw: error: --db needs a path\nsee 'llmgw init --help'\n");
  CHECK_FALSE(test::exists(dir.file("home")));
}

TEST_CASE("cli: --db without a value is a usage error") {
  test::TempDir dir;
  test::Result r = run_with({{"HOME", dir.file("home")}}, {"init", "--db"});
  CHECK(r.exit_code == 2);
  CHECK(r.out == "");
  CHECK(r.err == "llmgw: error: option --db needs a value\nsee 'llmgw init --help'\n");
  CHECK_FALSE(test::exists(dir.file("home")));
}

TEST_CASE("cli: only init and serve make a database, any other command on a missing one "
          "exits 3 and makes none") {
  test::TempDir dir;
  const std::string db = dir.file("data/llmgw.db");
  const std::string catalog = dir.file("catalog.json");
  REQUIRE(test::llmgw(dir.file("other.db"), {"init"}).exit_code == 0);
  test::write_file(catalog, test::llmgw(dir.file("other.db"), {"catalog", "export"}).out);
  const std::string message =
      "llmgw: error: no database at " + db + "; run 'llmgw init', or give --db / LLMGW_DB\n";
  const std::vector<std::vector<std::string>> commands = {
      {"key", "create", "-d", "lost"}, {"key", "list"},       {"--json", "key", "list"},
      {"key", "show", "key_aaaaaaaaaaaa"}, {"usage"},          {"logs"},
      {"backup", dir.file("backup.db")}, {"catalog", "export"}, {"models"}, {"providers"},
      // Those that ask first find the database missing before they would ask: with no
      // terminal to ask on and no --yes, the answer is still "no database", not "--yes".
      {"catalog", "reset"}, {"key", "delete", "key_aaaaaaaaaaaa"},
      {"key", "roll", "key_aaaaaaaaaaaa"}, {"key", "rule", "clear", "key_aaaaaaaaaaaa"},
      {"model", "delete", "gpt-4o"}, {"catalog", "import", "--replace", catalog}};
  for (const auto& args : commands) {
    std::string command;
    for (const std::string& arg : args) {
      command += arg + " ";
    }
    CAPTURE(command);
    test::Result r = run_with({{"LLMGW_DB", db}}, args);
    CHECK(r.exit_code == 3);
    CHECK(r.out == "");
    CHECK(r.err == message);
    CHECK_FALSE(test::exists(db));
    CHECK_FALSE(test::exists(dir.file("backup.db")));
  }
  // By the path that would be found without any variable too: nothing made there.
  test::Result r = run_with({{"HOME", dir.file("home")}}, {"key", "list"});
  CHECK(r.exit_code == 3);
  CHECK_FALSE(test::exists(dir.file("home")));
  REQUIRE(run_with({{"LLMGW_DB", db}}, {"init"}).exit_code == 0);
  CHECK(test::exists(db));
  CHECK(run_with({{"LLMGW_DB", db}}, {"key", "create", "-d", "found"}).exit_code == 0);
}
