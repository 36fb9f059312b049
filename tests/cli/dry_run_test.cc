// --dry-run: every command that changes the database prints what it would change, exits 0
// and writes nothing, not even the change stamp that would send the gateway to re-read.
#include "core/change_stamp.h"
#include "core/migrations.h"
#include "tests/cli/iam_cli_fixture.h"
#include "tests/support/db_dump.h"
#include "tests/support/temp_dir.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fstream>
#include <iterator>

using nlohmann::json;
using test::Outcome;
using test::outcome_of;
using test::run_ok;

namespace {

std::string contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Runs a dry run and checks that it changed neither the database nor the change stamp.
Outcome dry_run(const std::string& db, const std::vector<std::string>& args,
                const test::RunOptions& options = {}) {
  std::string stamp = contents(db + llmgw::k_change_stamp_suffix);
  Outcome o = outcome_of(db, args, options);
  CHECK_FALSE(o.database_changed);
  CHECK(contents(db + llmgw::k_change_stamp_suffix) == stamp);
  return o;
}

const char* const k_nothing_written = "Dry run: nothing was written.\n";

}  // namespace

TEST_CASE("cli: every change has --dry-run, which writes nothing and exits 0") {
  test::LabDatabase db;
  json key = test::create_key(db.path, {"-d", "ci pipeline", "--deny-paid"});
  std::string id = key["id"];
  std::string rule = test::parse_json(run_ok(db.path, {"--json", "key", "rule", "list", id}))
                         ["rules"][0]["id"];
  std::string file = db.dir.file("catalog.json");
  test::write_file(file, R"({"providers": [
      {"id": "lab3", "name": "Lab 3", "base_url": "https://lab3.test/v1"}], "models": []})");
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"key", "create", "-d", "new", "--allow-model", "lab-chat"},
           {"key", "update", id, "--limit", "3"},
           {"key", "disable", id},
           {"key", "enable", id, "--expires", "30d"},
           {"key", "delete", id},
           {"key", "roll", id},
           {"key", "rule", "add", id, "--deny-model", "lab-paid"},
           {"key", "rule", "rm", id, rule},
           {"key", "rule", "disable", id, rule},
           {"key", "rule", "clear", id},
           {"model", "add", "lab-big", "--provider", "lab", "--input-price", "1",
            "--output-price", "2"},
           {"model", "update", "lab-chat", "--name", "Lab Chat"},
           {"model", "rm", "lab-chat"},
           {"provider", "set", "lab", "--disable"},
           {"catalog", "import", file},
           {"catalog", "import", "--replace", file},
           {"catalog", "reset"},
       }) {
    for (bool json_output : {false, true}) {
      std::vector<std::string> argv = args;
      argv.push_back("--dry-run");
      if (json_output) {
        argv.insert(argv.begin(), "--json");
      }
      std::string line;
      for (const std::string& arg : argv) {
        line += " " + arg;
      }
      CAPTURE(line);
      Outcome o = dry_run(db.path, argv);
      CHECK(o.exit_code == 0);
      CHECK(test::mask_secrets(o.out) == o.out);  // key prefixes, but no secret
      if (json_output) {
        CHECK(o.err == "");
        json document = test::parse_json(o.out);
        CHECK(document["dry_run"] == true);
        CHECK(document["changes"].size() > 0);
      } else {
        CHECK(o.err == k_nothing_written);
        CHECK(o.out != "no changes\n");
      }
    }
  }
}

TEST_CASE("cli: a dry run of a change that is already made says so") {
  test::LabDatabase db;
  std::string id = test::create_key(db.path, {"-d", "ci pipeline", "--deny-paid"})["id"];
  std::string rule = test::parse_json(run_ok(db.path, {"--json", "key", "rule", "list", id}))
                         ["rules"][0]["id"];
  CHECK(dry_run(db.path, {"key", "rule", "enable", id, rule, "--dry-run"}) ==
        Outcome{0, "no changes\n", k_nothing_written, false});
  CHECK(dry_run(db.path, {"--json", "key", "enable", id, "--dry-run"}) ==
        Outcome{0, "{\n  \"changes\": [],\n  \"dry_run\": true\n}\n", "", false});
}

TEST_CASE("cli: key delete --dry-run says what would change") {
  test::TestDatabase db;
  std::string id = test::create_key(db.path, {"-d", "ci pipeline"})["id"];
  CHECK(dry_run(db.path, {"key", "delete", id, "--dry-run"}) ==
        Outcome{0, "change key " + id + " (ci pipeline): status \"active\" -> \"deleted\"\n",
                k_nothing_written, false});
}

TEST_CASE("cli: --dry-run --json prints each change with the documents before and after") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "ci pipeline"});
  std::string id = key["id"];
  test::Result r = test::llmgw(db.path, {"--json", "key", "update", id, "--limit", "3",
                                         "--dry-run"});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "");
  json document = test::parse_json(r.out);
  json before = test::parse_json(run_ok(db.path, {"--json", "key", "show", id}));
  before.erase("rule_count");
  REQUIRE(document["changes"].size() == 1);
  json change = document["changes"][0];
  json after = change["after"];
  CHECK(after["usage_limit"] == "3");
  CHECK(after["prefix"] == before["prefix"]);
  json expected_after = before;
  expected_after["usage_limit"] = "3";
  expected_after["updated_at"] = after["updated_at"];
  CHECK(after == expected_after);
  CHECK(document == json{{"dry_run", true},
                         {"changes", json::array({{{"action", "change"},
                                                   {"kind", "key"},
                                                   {"id", id},
                                                   {"before", before},
                                                   {"after", expected_after}}})}});
}

TEST_CASE("cli: key create --dry-run makes no key, shows no secret and says so") {
  test::TestDatabase db;
  Outcome o = dry_run(db.path, {"key", "create", "-d", "ci pipeline", "--deny-paid",
                                "--dry-run"});
  CHECK(test::masked(o.out) ==
        "add key <key> (ci pipeline), with no secret: a real run makes one and prints it once\n"
        "add rule <rule> of key <key>: deny_pricing {\"pricingType\":\"paid\"}\n");
  CHECK(o.err == k_nothing_written);
  json document =
      test::parse_json(dry_run(db.path, {"--json", "key", "create", "-d", "ci", "--dry-run"}).out);
  REQUIRE(document["changes"].size() == 1);
  CHECK(document["changes"][0]["action"] == "add");
  CHECK(document["changes"][0]["before"] == nullptr);
  CHECK(document["changes"][0]["after"]["prefix"] == nullptr);
  CHECK_FALSE(document["changes"][0]["after"].contains("secret"));
  CHECK(run_ok(db.path, {"--json", "key", "list", "--all"}) == "{\n  \"keys\": []\n}\n");
}

TEST_CASE("cli: key roll --dry-run says the secret would be replaced and shows none") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "ci pipeline"});
  std::string id = key["id"];
  Outcome o = dry_run(db.path, {"key", "roll", id, "--dry-run"});
  CHECK(o == Outcome{0,
                     "change key " + id +
                         " (ci pipeline): secret replaced (the old one would stop working)\n",
                     k_nothing_written, false});
  json change = test::parse_json(
      dry_run(db.path, {"--json", "key", "roll", id, "--dry-run"}).out)["changes"][0];
  CHECK(change["before"]["prefix"] == key["prefix"]);
  CHECK(change["after"]["prefix"] == nullptr);
}

TEST_CASE("cli: a refused dry run exits as the change would") {
  test::TestDatabase db;
  CHECK(dry_run(db.path, {"key", "delete", "key_aaaaaaaaaaaa", "--dry-run"}) ==
        test::refused(3, "key 'key_aaaaaaaaaaaa' not found"));
  CHECK(dry_run(db.path, {"key", "delete", "key_aaaaaaaaaaaa", "--if-exists", "--dry-run"}) ==
        Outcome{0, "no changes\n", k_nothing_written, false});
}

TEST_CASE("cli: a dry run on an older schema refuses to upgrade it, and writes nothing") {
  test::TempDir dir;
  std::string db = dir.file("old.db");
  int older = llmgw::latest_schema_version() - 1;
  {
    SQLite::Database raw(db, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    llmgw::migrate(raw, db, older);
  }
  std::string before = test::read_file(db);
  CHECK(outcome_of(db, {"key", "create", "-d", "x", "--dry-run"}) ==
        test::refused(4, fmt::format("the database's schema is version {}, and --dry-run "
                                     "cannot upgrade it to {} without writing; run 'llmgw "
                                     "init' first",
                                     older, older + 1)));
  CHECK(test::read_file(db) == before);
  CHECK_FALSE(test::exists(db + "-wal"));
}

TEST_CASE("cli: catalog import --replace --dry-run lists what is added, changed and removed") {
  test::LabDatabase db;
  std::string file = db.dir.file("small.json");
  test::write_file(file, R"({"providers": [
      {"id": "lab", "name": "Lab", "base_url": "http://127.0.0.1:9/v1"},
      {"id": "lab3", "name": "Lab 3", "base_url": "https://lab3.test/v1"}],
    "models": [{"id": "lab-chat", "name": "Lab Chat", "mappings": [
      {"provider": "lab", "input_price": "1", "output_price": "2"}]},
      {"id": "lab-new", "mappings": [
      {"provider": "lab3", "input_price": "0.25", "output_price": "0.5"}]}]})");
  Outcome o = dry_run(db.path, {"catalog", "import", "--replace", file, "--dry-run"});
  CHECK(o.exit_code == 0);
  CHECK(o.err == k_nothing_written);
  // Every other provider is disabled, every other model removed.
  CHECK(test::has_line(o.out, "change provider lab2: enabled true -> false"));
  CHECK(test::has_line(o.out, "change provider openai: enabled true -> false"));
  CHECK(test::has_line(o.out, "add provider lab3"));
  CHECK_FALSE(test::has_line(o.out, "change provider lab: .*"));
  CHECK(test::has_line(o.out, "add model lab-new"));
  CHECK(test::has_line(o.out, "remove model lab-paid"));
  CHECK(test::has_line(o.out, "remove model gpt-4o"));
  CHECK(test::has_line(o.out,
                       "change model lab-chat: mappings\\[echo\\] \\{.*\\} -> null, "
                       "mappings\\[lab2\\] \\{.*\\} -> null, name \"lab-chat\" -> \"Lab Chat\""));
  json changes = test::parse_json(
      dry_run(db.path, {"--json", "catalog", "import", "--replace", file, "--dry-run"}).out)
      ["changes"];
  std::size_t lines = static_cast<std::size_t>(std::count(o.out.begin(), o.out.end(), '\n'));
  CHECK(changes.size() == lines);
  json model = nullptr;
  for (const json& change : changes) {
    if (change["kind"] == "model" && change["id"] == "lab-new") {
      model = change;
    }
  }
  CHECK(model == json::parse(R"({"action": "add", "kind": "model", "id": "lab-new",
    "before": null, "after": {"id": "lab-new", "name": "lab-new", "mappings": [
      {"provider": "lab3", "upstream_model": "lab-new", "input_price": "0.25",
       "output_price": "0.5", "cached_input_price": "0.25", "context_size": 0,
       "max_output_tokens": 0, "streaming": true}]}})"));
}
