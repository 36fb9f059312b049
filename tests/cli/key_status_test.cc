// key enable | disable | delete: they succeed when the state already holds, and a deleted
// key stays deleted.
#include "core/timestamp.h"
#include "tests/support/cli_outcome.h"

#include <doctest/doctest.h>

using nlohmann::json;
using test::Outcome;
using test::outcome_of;
using test::refused;

namespace {

std::string id_of(const json& key) {
  return key["id"].get<std::string>();
}

json show(const std::string& db, const std::string& id) {
  return test::parse_json(test::llmgw(db, {"--json", "key", "show", id}).out);
}

}  // namespace

TEST_CASE("cli: key disable disables a key and says so on stderr") {
  test::TestDatabase db;
  std::string id = id_of(test::create_key(db.path, {"-d", "paused"}));
  Outcome o = outcome_of(db.path, {"key", "disable", id});
  CHECK(o == Outcome{0, "", "Disabled key " + id + ".\n", true});
  CHECK(show(db.path, id)["status"] == "disabled");
}

TEST_CASE("cli: key disable --json prints the disabled key") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "paused"});
  test::Result r = test::llmgw(db.path, {"--json", "key", "disable", id_of(key)});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "");
  json disabled = test::parse_json(r.out);
  json expected = key;
  expected.erase("secret");
  expected["status"] = "disabled";
  expected["updated_at"] = disabled.value("updated_at", "");
  CHECK(disabled == expected);
  CHECK(show(db.path, id_of(key)) == disabled);
}

TEST_CASE("cli: key disable of a disabled key succeeds and changes nothing") {
  test::TestDatabase db;
  std::string id = id_of(test::create_key(db.path, {"-d", "paused"}));
  REQUIRE(test::llmgw(db.path, {"key", "disable", id}).exit_code == 0);
  CHECK(outcome_of(db.path, {"key", "disable", id}) ==
        Outcome{0, "", "Disabled key " + id + ".\n", false});
}

TEST_CASE("cli: key enable enables a disabled key") {
  test::TestDatabase db;
  std::string id = id_of(test::create_key(db.path, {"-d", "paused"}));
  REQUIRE(test::llmgw(db.path, {"key", "disable", id}).exit_code == 0);
  CHECK(outcome_of(db.path, {"key", "enable", id}) ==
        Outcome{0, "", "Enabled key " + id + ".\n", true});
  CHECK(show(db.path, id)["status"] == "active");
}

TEST_CASE("cli: key enable --json prints the enabled key") {
  test::TestDatabase db;
  std::string id = id_of(test::create_key(db.path, {"-d", "paused"}));
  REQUIRE(test::llmgw(db.path, {"key", "disable", id}).exit_code == 0);
  test::Result r = test::llmgw(db.path, {"--json", "key", "enable", id});
  CHECK(r.exit_code == 0);
  CHECK(test::parse_json(r.out) == show(db.path, id));
  CHECK(test::parse_json(r.out)["status"] == "active");
}

TEST_CASE("cli: key enable of an active key succeeds and changes nothing") {
  test::TestDatabase db;
  std::string id = id_of(test::create_key(db.path, {"-d", "on"}));
  CHECK(outcome_of(db.path, {"key", "enable", id}) ==
        Outcome{0, "", "Enabled key " + id + ".\n", false});
}

TEST_CASE("cli: key enable --expires sets a new expiry") {
  test::TestDatabase db;
  std::string id = id_of(test::create_key(db.path, {"-d", "on"}));
  test::Result r = test::llmgw(db.path, {"--json", "key", "enable", id, "--expires", "2099-01-01"});
  CHECK(r.exit_code == 0);
  CHECK(test::parse_json(r.out)["expires_at"] == "2099-01-01T00:00:00Z");
  CHECK(show(db.path, id)["expires_at"] == "2099-01-01T00:00:00Z");
}

TEST_CASE("cli: key enable of an expired key without --expires is a conflict") {
  test::TestDatabase db;
  std::string id = id_of(test::create_key(db.path, {"-d", "old", "--expires", "1h"}));
  REQUIRE(test::llmgw(db.path, {"key", "disable", id}).exit_code == 0);
  test::set_key_column(db.path, id, "expires_at", 1798675200000 - 365 * llmgw::k_ms_per_day * 2);
  CHECK(outcome_of(db.path, {"key", "enable", id}) ==
        refused(4, "key '" + id +
                       "' expired at 2024-12-31T00:00:00Z; enable it with a new expiry "
                       "(--expires)"));
}

TEST_CASE("cli: key enable of an expired key with a new --expires enables it") {
  test::TestDatabase db;
  std::string id = id_of(test::create_key(db.path, {"-d", "old", "--expires", "1h"}));
  REQUIRE(test::llmgw(db.path, {"key", "disable", id}).exit_code == 0);
  test::set_key_column(db.path, id, "expires_at", 1000);
  test::Result r = test::llmgw(db.path, {"--json", "key", "enable", id, "--expires", "30d"});
  CHECK(r.exit_code == 0);
  json key = test::parse_json(r.out);
  CHECK(key["status"] == "active");
  CHECK(key["expired"] == false);
  CHECK(key["expires_at"] != "1970-01-01T00:00:01Z");
}

TEST_CASE("cli: key enable --expires in the past is a usage error and changes nothing") {
  test::TestDatabase db;
  std::string id = id_of(test::create_key(db.path, {"-d", "old"}));
  REQUIRE(test::llmgw(db.path, {"key", "disable", id}).exit_code == 0);
  CHECK(outcome_of(db.path, {"key", "enable", id, "--expires", "2020-01-01T00:00:00Z"}) ==
        refused(2, "invalid expiry '2020-01-01T00:00:00Z': must be in the future\n"
                   "see 'llmgw key enable --help'"));
  CHECK(outcome_of(db.path, {"key", "enable", id, "--expires", "soon"}) ==
        refused(2, "invalid --expires 'soon': expected a duration such as 500ms, 90m, 12h, 30d "
                   "or 2w\nsee 'llmgw key enable --help'"));
}

TEST_CASE("cli: key enable and disable of a missing key are not found") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "enable", "key_aaaaaaaaaaaa"}) ==
        refused(3, "key 'key_aaaaaaaaaaaa' not found"));
  CHECK(outcome_of(db.path, {"key", "disable", "key_aaaaaaaaaaaa"}) ==
        refused(3, "key 'key_aaaaaaaaaaaa' not found"));
}

TEST_CASE("cli: key enable and disable without an id are usage errors") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "enable"}) ==
        refused(2, "missing argument <id>\nsee 'llmgw key enable --help'"));
  CHECK(outcome_of(db.path, {"key", "disable"}) ==
        refused(2, "missing argument <id>\nsee 'llmgw key disable --help'"));
}

TEST_CASE("cli: key enable of a deleted key is a conflict and changes nothing") {
  test::TestDatabase db;
  std::string id = id_of(test::create_key(db.path, {"-d", "gone"}));
  REQUIRE(test::llmgw(db.path, {"key", "delete", "--yes", id}).exit_code == 0);
  CHECK(outcome_of(db.path, {"key", "enable", id}) ==
        refused(4, "key '" + id + "' is deleted and cannot be enabled"));
  CHECK(outcome_of(db.path, {"key", "enable", id, "--expires", "30d"}) ==
        refused(4, "key '" + id + "' is deleted and cannot be enabled"));
}

TEST_CASE("cli: key disable of a deleted key is a conflict and changes nothing") {
  test::TestDatabase db;
  std::string id = id_of(test::create_key(db.path, {"-d", "gone"}));
  REQUIRE(test::llmgw(db.path, {"key", "delete", "--yes", id}).exit_code == 0);
  CHECK(outcome_of(db.path, {"key", "disable", id}) ==
        refused(4, "key '" + id + "' is deleted and cannot be disabled"));
}

TEST_CASE("cli: key delete marks the key deleted and says so on stderr") {
  test::TestDatabase db;
  std::string id = id_of(test::create_key(db.path, {"-d", "gone"}));
  CHECK(outcome_of(db.path, {"key", "delete", "--yes", id}) ==
        Outcome{0, "", "Deleted key " + id + ".\n", true});
  CHECK(show(db.path, id)["status"] == "deleted");
}

TEST_CASE("cli: key delete --json prints the deleted key, marked deleted") {
  test::TestDatabase db;
  std::string id = id_of(test::create_key(db.path, {"-d", "gone"}));
  test::Result r = test::llmgw(db.path, {"--json", "key", "delete", "--yes", id});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "");
  nlohmann::json deleted = show(db.path, id);
  deleted["deleted"] = true;
  CHECK(test::parse_json(r.out) == deleted);
  CHECK(test::parse_json(r.out)["status"] == "deleted");
}

TEST_CASE("cli: key delete of a deleted key is not found and changes nothing") {
  test::TestDatabase db;
  std::string id = id_of(test::create_key(db.path, {"-d", "gone"}));
  REQUIRE(test::llmgw(db.path, {"key", "delete", "--yes", id}).exit_code == 0);
  CHECK(outcome_of(db.path, {"key", "delete", "--yes", id}) ==
        refused(3, "key '" + id + "' is already deleted"));
}

TEST_CASE("cli: key delete of a missing key is not found") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "delete", "--yes", "key_aaaaaaaaaaaa"}) ==
        refused(3, "key 'key_aaaaaaaaaaaa' not found"));
}

TEST_CASE("cli: key delete --if-exists of a missing or deleted key succeeds") {
  test::TestDatabase db;
  std::string id = id_of(test::create_key(db.path, {"-d", "gone"}));
  REQUIRE(test::llmgw(db.path, {"key", "delete", "--yes", id}).exit_code == 0);
  CHECK(outcome_of(db.path, {"key", "delete", "--yes", id, "--if-exists"}) ==
        Outcome{0, "", "Key " + id + " was not there; nothing to do.\n", false});
  CHECK(outcome_of(db.path, {"key", "delete", "--yes", "key_aaaaaaaaaaaa", "--if-exists"}) ==
        Outcome{0, "", "Key key_aaaaaaaaaaaa was not there; nothing to do.\n", false});
  CHECK(outcome_of(db.path, {"--json", "key", "delete", "--yes", "key_aaaaaaaaaaaa", "--if-exists"}) ==
        Outcome{0, "{\n  \"deleted\": false,\n  \"id\": \"key_aaaaaaaaaaaa\"\n}\n", "", false});
}

TEST_CASE("cli: key delete --if-exists of a live key deletes it") {
  test::TestDatabase db;
  std::string id = id_of(test::create_key(db.path, {"-d", "gone"}));
  CHECK(outcome_of(db.path, {"key", "delete", "--yes", "--if-exists", id}) ==
        Outcome{0, "", "Deleted key " + id + ".\n", true});
}

TEST_CASE("cli: key rm is key delete") {
  test::TestDatabase db;
  std::string id = id_of(test::create_key(db.path, {"-d", "gone"}));
  CHECK(outcome_of(db.path, {"key", "rm", "--yes", id}) ==
        Outcome{0, "", "Deleted key " + id + ".\n", true});
  CHECK(outcome_of(db.path, {"key", "rm", "--yes", id, "--if-exists"}) ==
        Outcome{0, "", "Key " + id + " was not there; nothing to do.\n", false});
}

TEST_CASE("cli: key delete without an id is a usage error") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "delete"}) ==
        refused(2, "missing argument <id>\nsee 'llmgw key delete --help'"));
}
