// The first things a new user types: --version, a bare command, a typo, a missing argument.
// Help and the version go to stdout with exit 0; every usage error is llmgw's own sentence,
// a guess when a name is close, and the --help to read, with exit 2.
#include "core/migrations.h"
#include "tests/support/cli_outcome.h"
#include "tests/support/temp_dir.h"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sqlite3.h>


using nlohmann::json;
using test::outcome_of;
using test::refused;

namespace {

// What printing `text` and nothing else looks like: exit 0, no database made.
test::Outcome printed(const std::string& text) {
  return {0, text, "", false};
}

}  // namespace

TEST_CASE("cli: the build this binary comes from is stamped in it") {
  CHECK(test::matches(LLMGW_COMMIT, "[0-9a-f]{7,40}|unknown"));
  CHECK(test::matches(LLMGW_BUILD_DATE, "20[0-9]{2}-[01][0-9]-[0-3][0-9]"));
}

TEST_CASE("cli: --version and version print the version, commit, build date and SQLite") {
  test::TempDir dir;
  std::string db = dir.file("never/llmgw.db");
  std::string line = fmt::format("llmgw {} (commit {}, built {}, SQLite {})\n", LLMGW_VERSION,
                                 LLMGW_COMMIT, LLMGW_BUILD_DATE, sqlite3_libversion());
  CHECK(outcome_of(db, {"--version"}) == printed(line));
  CHECK(outcome_of(db, {"-V"}) == printed(line));
  CHECK(outcome_of(db, {"version"}) == printed(line));
  CHECK_FALSE(test::exists(dir.file("never")));
}

TEST_CASE("cli: version --json has the same fields, and the schema version it writes") {
  test::TempDir dir;
  test::Result r = test::llmgw(dir.file("llmgw.db"), {"version", "--json"});
  CHECK(r.exit_code == 0);
  CHECK(test::parse_json(r.out) == json{{"version", LLMGW_VERSION},
                                        {"commit", LLMGW_COMMIT},
                                        {"build_date", LLMGW_BUILD_DATE},
                                        {"sqlite", sqlite3_libversion()},
                                        {"schema_version", llmgw::latest_schema_version()}});
  CHECK(r.err == "");
  CHECK_FALSE(test::exists(dir.file("llmgw.db")));
}

TEST_CASE("cli: a bare llmgw or command group prints its help on stdout and exits 0") {
  test::TempDir dir;
  std::string db = dir.file("llmgw.db");
  for (std::vector<std::string> group :
       {std::vector<std::string>{}, {"key"}, {"key", "rule"}, {"model"}, {"provider"},
        {"catalog"}}) {
    CAPTURE(fmt::format("{}", fmt::join(group, " ")));
    std::vector<std::string> asking = group;
    asking.push_back("--help");
    test::Result help = test::llmgw(db, asking);
    REQUIRE(help.exit_code == 0);
    CHECK(help.out.find("Subcommands:\n") != std::string::npos);
    CHECK(outcome_of(db, group) == printed(help.out));
  }
  CHECK_FALSE(test::exists(db));
}

TEST_CASE("cli: a value a command refuses points to its help, as a parse error does") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", "ci", "--expires", "2020-01-01"}) ==
        refused(2, "invalid expiry '2020-01-01T00:00:00Z': must be in the future\n"
                   "see 'llmgw key create --help'"));
  CHECK(outcome_of(db.path, {"usage", "--by", "colour"}) ==
        refused(2, "invalid --by 'colour': expected key, model, provider, day or hour\n"
                   "see 'llmgw usage --help'"));
  // Other failures are not usage errors, and point nowhere.
  CHECK(outcome_of(db.path, {"key", "show", "key_aaaaaaaaaaaa"}) ==
        refused(3, "key 'key_aaaaaaaaaaaa' not found"));
}

TEST_CASE("cli: an unknown command is named, with the nearest command when one is close") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"kye", "list"}) ==
        refused(2, "unknown command 'kye'; did you mean 'key'?\nsee 'llmgw --help'"));
  CHECK(outcome_of(db.path, {"key", "shwo", "key_x"}) ==
        refused(2, "unknown command 'shwo'; did you mean 'show'?\nsee 'llmgw key --help'"));
  CHECK(outcome_of(db.path, {"key", "rule", "delte"}) ==
        refused(2, "unknown command 'delte'; did you mean 'delete'?\nsee 'llmgw key rule --help'"));
  CHECK(outcome_of(db.path, {"frobnicate"}) ==
        refused(2, "unknown command 'frobnicate'\nsee 'llmgw --help'"));
}

TEST_CASE("cli: an unknown option is named, with the nearest option of that command") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "list", "--al"}) ==
        refused(2, "unknown option '--al'; did you mean '--all'?\nsee 'llmgw key list --help'"));
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--discription", "y"}) ==
        refused(2, "unknown option '--discription'; did you mean '--description'?\n"
                   "see 'llmgw key create --help'"));
  // The typo, not the option it leaves missing, is the news.
  CHECK(outcome_of(db.path, {"key", "create", "--discription", "y"}) ==
        refused(2, "unknown option '--discription'; did you mean '--description'?\n"
                   "see 'llmgw key create --help'"));
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--limti=5"}) ==
        refused(2, "unknown option '--limti'; did you mean '--limit'?\n"
                   "see 'llmgw key create --help'"));
  // Global options count: they are accepted after the command, too.
  CHECK(outcome_of(db.path, {"key", "list", "--jsno"}) ==
        refused(2, "unknown option '--jsno'; did you mean '--json'?\nsee 'llmgw key list --help'"));
  CHECK(outcome_of(db.path, {"--verbose", "init"}) ==
        refused(2, "unknown option '--verbose'\nsee 'llmgw init --help'"));
}

TEST_CASE("cli: a word a command does not take is an unexpected argument") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"init", "extra"}) ==
        refused(2, "unexpected argument 'extra'\nsee 'llmgw init --help'"));
  CHECK(outcome_of(db.path, {"key", "show", "key_a", "key_b"}) ==
        refused(2, "unexpected argument 'key_b'\nsee 'llmgw key show --help'"));
}

TEST_CASE("cli: a missing argument or option is named with its command's help") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "show"}) ==
        refused(2, "missing argument <id>\nsee 'llmgw key show --help'"));
  CHECK(outcome_of(db.path, {"key", "rule", "enable", "key_x"}) ==
        refused(2, "missing argument <rule-id>\nsee 'llmgw key rule enable --help'"));
  CHECK(outcome_of(db.path, {"key", "check", "key_x"}) ==
        refused(2, "missing option --model\nsee 'llmgw key check --help'"));
  CHECK(outcome_of(db.path, {"key", "create"}) ==
        refused(2, "missing option --description\nsee 'llmgw key create --help'"));
}

TEST_CASE("cli: an option without its value says so") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d"}) ==
        refused(2, "option --description needs a value\nsee 'llmgw key create --help'"));
  CHECK(outcome_of(db.path, {"logs", "--limit"}) ==
        refused(2, "option --limit needs a value\nsee 'llmgw logs --help'"));
}

TEST_CASE("cli: options that exclude or need each other say which") {
  test::TestDatabase db;
  std::string id = test::create_key(db.path, {"-d", "a"})["id"].get<std::string>();
  CHECK(outcome_of(db.path, {"key", "update", id, "--limit", "1", "--no-limit"}) ==
        refused(2, "--limit and --no-limit cannot be used together\n"
                   "see 'llmgw key update --help'"));
  CHECK(outcome_of(db.path, {"key", "rule", "add", id, "--type", "allow_models"}) ==
        refused(2, "--type needs --value\nsee 'llmgw key rule add --help'"));
}

TEST_CASE("cli: a number out of range or not a number is refused in llmgw's words") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"serve", "--threads", "0"}) ==
        refused(2, "invalid --threads '0': expected a whole number from 1 to 16384\n"
                   "see 'llmgw serve --help'"));
  CHECK(outcome_of(db.path, {"serve", "--threads", "many"}) ==
        refused(2, "invalid --threads 'many': expected a whole number from 1 to 16384\n"
                   "see 'llmgw serve --help'"));
  CHECK(outcome_of(db.path, {"model", "update", "echo", "--context-size", "big"}) ==
        refused(2, "invalid --context-size 'big': expected a whole number\n"
                   "see 'llmgw model update --help'"));
}
