#include "core/secret.h"
#include "tests/support/cli_outcome.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

using nlohmann::json;
using test::outcome_of;
using test::refused;

namespace {

std::string id_of(const json& key) {
  return key["id"].get<std::string>();
}

std::string stored_hash(const std::string& db, const std::string& id) {
  SQLite::Database connection(db, SQLite::OPEN_READONLY);
  SQLite::Statement select(connection, "SELECT secret_hash FROM api_keys WHERE id = ?");
  select.bind(1, id);
  return select.executeStep() ? select.getColumn(0).getString() : "";
}

}  // namespace

TEST_CASE("cli: key roll prints a new secret alone on stdout and stores only its hash") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "rolled"});
  test::Result r = test::llmgw(db.path, {"key", "roll", "--yes", id_of(key)});
  CHECK(r.exit_code == 0);
  REQUIRE(r.out.size() == llmgw::k_secret_length + 1);
  std::string secret = r.out.substr(0, llmgw::k_secret_length);
  CHECK(llmgw::is_well_formed_secret(secret));
  CHECK(secret != key["secret"]);
  CHECK(r.err == "Rolled key " + id_of(key) +
                     ". The secret above is shown only once: store it now.\n");
  CHECK(stored_hash(db.path, id_of(key)) == llmgw::hash_secret(secret));
  CHECK(test::parse_json(test::llmgw(db.path, {"--json", "key", "show", id_of(key)}).out)
            ["prefix"] == secret.substr(0, 12));
}

TEST_CASE("cli: key roll --json keeps the id, usage and limits and changes the secret") {
  test::TestDatabase db;
  json key = test::create_key(db.path, {"-d", "rolled", "--limit", "9", "--period-limit", "1",
                                        "--period", "12mo", "--expires", "2099-01-01"});
  test::set_key_column(db.path, id_of(key), "usage", 2'000'000'000'000);
  test::set_key_column(db.path, id_of(key), "period_usage", 500'000'000'000);
  test::Result r = test::llmgw(db.path, {"--json", "key", "roll", "--yes", id_of(key)});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "");
  json rolled = test::parse_json(r.out);
  REQUIRE(rolled.is_object());
  CHECK(rolled["secret"] != key["secret"]);
  CHECK(rolled["prefix"] != key["prefix"]);  // equal by chance with probability 62^-4
  json expected = key;
  expected["usage"] = "2";
  expected["period_limit"]["usage"] = "0.5";
  expected["updated_at"] = rolled["updated_at"];
  CHECK(test::normalized(rolled) == test::normalized(expected));
  CHECK(rolled["id"] == key["id"]);
  CHECK(stored_hash(db.path, id_of(key)) ==
        llmgw::hash_secret(rolled.value("secret", std::string())));
}

TEST_CASE("cli: key roll of a disabled key keeps it disabled") {
  test::TestDatabase db;
  std::string id = id_of(test::create_key(db.path, {"-d", "paused"}));
  REQUIRE(test::llmgw(db.path, {"key", "disable", id}).exit_code == 0);
  json rolled = test::parse_json(test::llmgw(db.path, {"--json", "key", "roll", "--yes", id}).out);
  CHECK(rolled["status"] == "disabled");
}

TEST_CASE("cli: key roll of a deleted key is a conflict and changes nothing") {
  test::TestDatabase db;
  std::string id = id_of(test::create_key(db.path, {"-d", "gone"}));
  REQUIRE(test::llmgw(db.path, {"key", "delete", "--yes", id}).exit_code == 0);
  CHECK(outcome_of(db.path, {"key", "roll", "--yes", id}) ==
        refused(4, "key '" + id + "' is deleted and cannot be rolled"));
}

TEST_CASE("cli: key roll of a missing key is not found") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "roll", "--yes", "key_aaaaaaaaaaaa"}) ==
        refused(3, "key 'key_aaaaaaaaaaaa' not found"));
}

TEST_CASE("cli: key roll without an id is a usage error") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"key", "roll"}) == refused(2, "missing argument <id>\nsee 'llmgw key roll --help'"));
}
