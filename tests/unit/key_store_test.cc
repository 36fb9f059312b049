#include "core/key_store.h"
#include "core/secret.h"
#include "tests/support/db_dump.h"
#include "tests/support/fake_clock.h"
#include "tests/support/temp_dir.h"
#include "tests/support/thrown.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <regex>
#include <string>

using llmgw::ApiKey;
using llmgw::format_iso;
using llmgw::IfExists;
using llmgw::IncludeDeleted;
using llmgw::k_ms_per_day;
using llmgw::k_ms_per_hour;
using llmgw::KeyChanges;
using llmgw::KeyStatus;
using llmgw::Money;
using llmgw::NewKey;
using llmgw::Period;
using llmgw::PeriodLimitSpec;
using llmgw::Timestamp;
using test::conflict;
using test::invalid;
using test::not_found;
using test::thrown_by;

namespace {

Timestamp at(const std::string& iso) {
  return llmgw::parse_iso(iso, "time");
}

Money usd(const std::string& text) {
  return Money::parse_usd(text);
}

// A store in a temporary folder and a clock that starts on Tuesday 2026-03-10, 15:20 UTC.
struct Fixture {
  test::TempDir dir;
  llmgw::Store store{dir.file("keys.db")};
  test::FakeClock clock{at("2026-03-10T15:20:00Z")};
  llmgw::KeyStore keys{store, clock};

  std::string dump() { return test::dump_database(store.path()); }

  // What the gateway would have charged, written as the daemon writes it.
  void set_usage(const std::string& id, const std::string& usage, const std::string& period_usage) {
    SQLite::Statement update(store.db(),
                             "UPDATE api_keys SET usage = ?, period_usage = ? WHERE id = ?");
    update.bind(1, static_cast<std::int64_t>(usd(usage).units()));
    update.bind(2, static_cast<std::int64_t>(usd(period_usage).units()));
    update.bind(3, id);
    REQUIRE(update.exec() == 1);
  }

  std::string stored_hash(const std::string& id) {
    SQLite::Statement select(store.db(), "SELECT secret_hash FROM api_keys WHERE id = ?");
    select.bind(1, id);
    REQUIRE(select.executeStep());
    return select.getColumn(0).getString();
  }
};

NewKey new_key(const std::string& description) {
  NewKey spec;
  spec.description = description;
  return spec;
}

NewKey with_period(const std::string& amount, const std::string& period) {
  NewKey spec = new_key("metered");
  spec.period_limit = PeriodLimitSpec{usd(amount), Period::parse(period)};
  return spec;
}

std::string window_of(const ApiKey& key, Timestamp now) {
  llmgw::Window w = key.period_limit->window_at(now);
  return "[" + format_iso(w.start) + ", " + format_iso(w.end) + ")";
}

}  // namespace

TEST_CASE("key store: create stores the key and only the hash of its secret") {
  Fixture f;
  NewKey spec = new_key("ci runner");
  spec.usage_limit = usd("25.5");
  spec.expires_at = at("2026-04-01");
  llmgw::CreatedKey created = f.keys.create(spec);
  const ApiKey& key = created.key;

  CHECK(std::regex_match(key.id, std::regex("key_[a-z2-7]{12}")));
  CHECK(llmgw::is_well_formed_secret(created.secret));
  CHECK(key.prefix == created.secret.substr(0, 12));
  CHECK(key.description == "ci runner");
  CHECK(key.status == KeyStatus::active);
  CHECK(key.usage_limit == usd("25.5"));
  CHECK(key.usage == Money());
  CHECK_FALSE(key.period_limit);
  CHECK(key.expires_at == at("2026-04-01"));
  CHECK(key.created_at == f.clock.now());
  CHECK(key.updated_at == f.clock.now());
  CHECK_FALSE(key.last_used_at);

  CHECK(f.stored_hash(key.id) == llmgw::hash_secret(created.secret));
  CHECK(f.dump().find(created.secret.substr(8)) == std::string::npos);
  CHECK(llmgw::to_json(f.keys.get(key.id), f.clock.now()) == llmgw::to_json(key, f.clock.now()));
}

TEST_CASE("key store: a key is found by its secret and not by anything else") {
  Fixture f;
  llmgw::CreatedKey created = f.keys.create(new_key("lookup"));
  auto found = f.keys.find_by_secret(created.secret);
  REQUIRE(found);
  CHECK(found->id == created.key.id);
  CHECK_FALSE(f.keys.find_by_secret(llmgw::generate_secret()));
  CHECK_FALSE(f.keys.find_by_secret(created.key.prefix));
  CHECK_FALSE(f.keys.find_by_secret(""));
}

TEST_CASE("key store: a missing key is absent for find and not found for get") {
  Fixture f;
  CHECK_FALSE(f.keys.find("key_missing"));
  CHECK(thrown_by([&] { f.keys.get("key_missing"); }) == not_found("key 'key_missing' not found"));
}

TEST_CASE("key store: create refuses bad descriptions and past expiries, storing nothing") {
  Fixture f;
  std::string before = f.dump();
  CHECK(thrown_by([&] { f.keys.create(new_key("")); }) ==
        invalid("invalid description: must be 1 to 255 characters, got 0"));
  NewKey past = new_key("late");
  past.expires_at = f.clock.now();
  CHECK(thrown_by([&] { f.keys.create(past); }) ==
        invalid("invalid expiry '2026-03-10T15:20:00Z': must be in the future"));
  CHECK(f.dump() == before);
}

TEST_CASE("key store: a period limit is anchored at the start of its unit") {
  Fixture f;
  ApiKey daily = f.keys.create(with_period("1", "1d")).key;
  CHECK(format_iso(daily.period_limit->anchor) == "2026-03-10T00:00:00Z");
  CHECK(format_iso(daily.period_limit->window_start) == "2026-03-10T00:00:00Z");
  CHECK(daily.period_limit->usage == Money());
  ApiKey weekly = f.keys.create(with_period("1", "1w")).key;
  CHECK(format_iso(weekly.period_limit->anchor) == "2026-03-09T00:00:00Z");
  ApiKey monthly = f.keys.create(with_period("1", "3mo")).key;
  CHECK(window_of(monthly, f.clock.now()) == "[2026-03-01T00:00:00Z, 2026-06-01T00:00:00Z)");
  CHECK(f.keys.get(monthly.id).period_limit->period == Period::parse("3mo"));
}

TEST_CASE("key store: list is oldest first and shows deleted keys only when asked") {
  Fixture f;
  std::string first = f.keys.create(new_key("first")).key.id;
  f.clock.advance(1000);
  std::string second = f.keys.create(new_key("second")).key.id;
  f.clock.advance(1000);
  std::string third = f.keys.create(new_key("third")).key.id;
  f.keys.remove(second, IfExists::no);

  auto ids = [](const std::vector<ApiKey>& keys) {
    std::vector<std::string> out;
    for (const ApiKey& k : keys) {
      out.push_back(k.id);
    }
    return out;
  };
  CHECK(ids(f.keys.list(IncludeDeleted::no)) == std::vector<std::string>{first, third});
  CHECK(ids(f.keys.list(IncludeDeleted::yes)) == std::vector<std::string>{first, second, third});
}

TEST_CASE("key store: disable and enable succeed when the state already holds") {
  Fixture f;
  std::string id = f.keys.create(new_key("toggle")).key.id;
  f.clock.advance(1000);
  ApiKey disabled = f.keys.disable(id);
  CHECK(disabled.status == KeyStatus::disabled);
  CHECK(disabled.updated_at == f.clock.now());
  std::string after_disable = f.dump();

  f.clock.advance(1000);
  CHECK(f.keys.disable(id).status == KeyStatus::disabled);
  CHECK(f.dump() == after_disable);  // not even updated_at moves

  ApiKey enabled = f.keys.enable(id, std::nullopt);
  CHECK(enabled.status == KeyStatus::active);
  CHECK(enabled.updated_at == f.clock.now());
  std::string after_enable = f.dump();
  f.clock.advance(1000);
  CHECK(f.keys.enable(id, std::nullopt).status == KeyStatus::active);
  CHECK(f.dump() == after_enable);
}

TEST_CASE("key store: a deleted key conflicts with every change") {
  Fixture f;
  std::string id = f.keys.create(new_key("gone")).key.id;
  ApiKey deleted = *f.keys.remove(id, IfExists::no);
  CHECK(deleted.status == KeyStatus::deleted);
  std::string before = f.dump();

  KeyChanges changes;
  changes.description = "back";
  CHECK(thrown_by([&] { f.keys.enable(id, std::nullopt); }) ==
        conflict("key '" + id + "' is deleted and cannot be enabled"));
  CHECK(thrown_by([&] { f.keys.enable(id, at("2027-01-01")); }) ==
        conflict("key '" + id + "' is deleted and cannot be enabled"));
  CHECK(thrown_by([&] { f.keys.disable(id); }) ==
        conflict("key '" + id + "' is deleted and cannot be disabled"));
  CHECK(thrown_by([&] { f.keys.update(id, changes); }) ==
        conflict("key '" + id + "' is deleted and cannot be updated"));
  CHECK(thrown_by([&] { f.keys.roll(id); }) ==
        conflict("key '" + id + "' is deleted and cannot be rolled"));
  CHECK(thrown_by([&] { f.keys.remove(id, IfExists::no); }) ==
        not_found("key '" + id + "' is already deleted"));
  CHECK_FALSE(f.keys.remove(id, IfExists::yes));
  CHECK(f.dump() == before);
}

TEST_CASE("key store: deleting a missing key is not found unless it may be absent") {
  Fixture f;
  CHECK(thrown_by([&] { f.keys.remove("key_missing", IfExists::no); }) ==
        not_found("key 'key_missing' not found"));
  CHECK_FALSE(f.keys.remove("key_missing", IfExists::yes));
}

TEST_CASE("key store: an expired key is enabled only with a new future expiry") {
  Fixture f;
  NewKey spec = new_key("short-lived");
  spec.expires_at = f.clock.now() + k_ms_per_hour;
  std::string id = f.keys.create(spec).key.id;
  f.keys.disable(id);
  f.clock.advance(2 * k_ms_per_hour);
  std::string before = f.dump();

  CHECK(thrown_by([&] { f.keys.enable(id, std::nullopt); }) ==
        conflict("key '" + id +
                 "' expired at 2026-03-10T16:20:00Z; enable it with a new expiry (--expires)"));
  CHECK(thrown_by([&] { f.keys.enable(id, f.clock.now()); }) ==
        invalid("invalid expiry '2026-03-10T17:20:00Z': must be in the future"));
  CHECK(f.dump() == before);

  ApiKey enabled = f.keys.enable(id, f.clock.now() + k_ms_per_day);
  CHECK(enabled.status == KeyStatus::active);
  CHECK(format_iso(*enabled.expires_at) == "2026-03-11T17:20:00Z");
  CHECK(f.keys.get(id).expires_at == enabled.expires_at);
}

TEST_CASE("key store: an active key that expired also needs a new expiry") {
  Fixture f;
  NewKey spec = new_key("short-lived");
  spec.expires_at = f.clock.now() + 1;
  std::string id = f.keys.create(spec).key.id;
  f.clock.advance(1);  // expiry is exclusive: expired at that very millisecond
  CHECK(f.keys.get(id).expired_at(f.clock.now()));
  CHECK(thrown_by([&] { f.keys.enable(id, std::nullopt); }) ==
        conflict("key '" + id +
                 "' expired at 2026-03-10T15:20:00.001Z; enable it with a new expiry (--expires)"));
}

TEST_CASE("key store: a new period amount keeps the current window's usage") {
  Fixture f;
  ApiKey key = f.keys.create(with_period("10", "1d")).key;
  f.set_usage(key.id, "7", "3");
  f.clock.advance(k_ms_per_hour);
  KeyChanges changes;
  changes.period_amount = usd("20");
  ApiKey updated = f.keys.update(key.id, changes);
  CHECK(updated.period_limit->amount == usd("20"));
  CHECK(updated.period_limit->usage_at(f.clock.now()) == usd("3"));
  CHECK(updated.period_limit->anchor == key.period_limit->anchor);
  CHECK(updated.usage == usd("7"));
  CHECK(f.keys.get(key.id).period_limit->usage == usd("3"));
}

TEST_CASE("key store: the same window with a new amount keeps the usage") {
  Fixture f;
  ApiKey key = f.keys.create(with_period("10", "1d")).key;
  f.set_usage(key.id, "3", "3");
  KeyChanges changes;
  changes.period = Period::parse("1d");
  changes.period_amount = usd("5");
  ApiKey updated = f.keys.update(key.id, changes);
  CHECK(updated.period_limit->amount == usd("5"));
  CHECK(updated.period_limit->usage == usd("3"));
  CHECK(updated.period_limit->anchor == key.period_limit->anchor);
}

TEST_CASE("key store: a different window re-anchors and starts from zero") {
  Fixture f;
  ApiKey key = f.keys.create(with_period("10", "1d")).key;
  f.set_usage(key.id, "3", "3");
  f.clock.set(at("2026-03-12T08:00:00Z"));  // Thursday
  KeyChanges changes;
  changes.period = Period::parse("1w");
  ApiKey updated = f.keys.update(key.id, changes);
  CHECK(updated.period_limit->amount == usd("10"));  // the amount is kept
  CHECK(updated.period_limit->period == Period::parse("1w"));
  CHECK(format_iso(updated.period_limit->anchor) == "2026-03-09T00:00:00Z");
  CHECK(updated.period_limit->usage == Money());
  CHECK(window_of(updated, f.clock.now()) == "[2026-03-09T00:00:00Z, 2026-03-16T00:00:00Z)");
  CHECK(updated.usage == usd("3"));  // lifetime usage is never reset
}

TEST_CASE("key store: a period limit can be added, and then cleared") {
  Fixture f;
  std::string id = f.keys.create(new_key("plain")).key.id;
  KeyChanges add;
  add.period_amount = usd("2");
  add.period = Period::parse("12h");
  ApiKey added = f.keys.update(id, add);
  REQUIRE(added.period_limit);
  CHECK(window_of(added, f.clock.now()) == "[2026-03-10T15:00:00Z, 2026-03-11T03:00:00Z)");

  KeyChanges clear;
  clear.clear_period_limit = true;
  CHECK_FALSE(f.keys.update(id, clear).period_limit);
  CHECK_FALSE(f.keys.get(id).period_limit);
}

TEST_CASE("key store: half a period limit is refused when the key has none") {
  Fixture f;
  std::string id = f.keys.create(new_key("plain")).key.id;
  std::string before = f.dump();
  KeyChanges period_only;
  period_only.period = Period::parse("1d");
  CHECK(thrown_by([&] { f.keys.update(id, period_only); }) ==
        invalid("--period needs --period-limit: the key has no period limit yet"));
  KeyChanges amount_only;
  amount_only.period_amount = usd("1");
  CHECK(thrown_by([&] { f.keys.update(id, amount_only); }) ==
        invalid("--period-limit needs --period: the key has no period limit yet"));
  CHECK(f.dump() == before);
}

TEST_CASE("key store: update sets and clears the description, limit and expiry") {
  Fixture f;
  std::string id = f.keys.create(new_key("before")).key.id;
  f.clock.advance(5000);
  KeyChanges set;
  set.description = "after";
  set.usage_limit = std::optional<Money>(usd("0"));
  set.expires_at = std::optional<Timestamp>(at("2027-01-01"));
  ApiKey updated = f.keys.update(id, set);
  CHECK(updated.description == "after");
  CHECK(updated.usage_limit == usd("0"));
  CHECK(updated.expires_at == at("2027-01-01"));
  CHECK(updated.updated_at == f.clock.now());
  CHECK(updated.created_at == f.clock.now() - 5000);

  KeyChanges clear;
  clear.usage_limit = std::optional<Money>();
  clear.expires_at = std::optional<Timestamp>();
  ApiKey cleared = f.keys.update(id, clear);
  CHECK_FALSE(cleared.usage_limit);
  CHECK_FALSE(cleared.expires_at);
  CHECK(cleared.description == "after");
  CHECK(llmgw::to_json(f.keys.get(id), f.clock.now()) == llmgw::to_json(cleared, f.clock.now()));
}

TEST_CASE("key store: update refuses a bad description or a past expiry, storing nothing") {
  Fixture f;
  std::string id = f.keys.create(new_key("kept")).key.id;
  std::string before = f.dump();
  KeyChanges bad_description;
  bad_description.description = std::string(256, 'x');
  CHECK(thrown_by([&] { f.keys.update(id, bad_description); }) ==
        invalid("invalid description: must be 1 to 255 characters, got 256"));
  KeyChanges past;
  past.expires_at = std::optional<Timestamp>(at("2026-03-01"));
  CHECK(thrown_by([&] { f.keys.update(id, past); }) ==
        invalid("invalid expiry '2026-03-01T00:00:00Z': must be in the future"));
  CHECK(thrown_by([&] { f.keys.update("key_missing", past); }) ==
        not_found("key 'key_missing' not found"));
  CHECK(f.dump() == before);
}

TEST_CASE("key store: traffic limits are stored at create, and each is set or removed alone") {
  Fixture f;
  NewKey spec = new_key("paced");
  spec.traffic = {60, std::nullopt, 20000, std::nullopt};
  std::string id = f.keys.create(spec).key.id;
  CHECK(f.keys.get(id).traffic == llmgw::TrafficLimits{60, std::nullopt, 20000, std::nullopt});

  KeyChanges changes;
  changes.requests_per_minute = std::optional<std::int64_t>();  // removed
  changes.requests_per_day = std::optional<std::int64_t>(1000);
  changes.max_parallel = std::optional<std::int64_t>(5);
  CHECK_FALSE(changes.empty());
  ApiKey updated = f.keys.update(id, changes);
  const llmgw::TrafficLimits expected{std::nullopt, 1000, 20000, 5};  // tokens kept
  CHECK(updated.traffic == expected);
  CHECK(f.keys.get(id).traffic == expected);
  CHECK(KeyChanges().empty());
}

TEST_CASE("key store: a traffic limit of 0 never reaches the table") {
  Fixture f;
  std::string id = f.keys.create(new_key("paced")).key.id;
  // What the CLI refuses before, the table refuses too.
  CHECK_THROWS(f.store.db().exec("UPDATE api_keys SET requests_per_minute = 0 WHERE id = '" +
                                 id + "'"));
  CHECK_FALSE(f.keys.get(id).traffic.any());
}

TEST_CASE("key store: roll keeps the id, usage and limits and changes the secret") {
  Fixture f;
  NewKey spec = with_period("10", "1w");
  spec.usage_limit = usd("100");
  spec.expires_at = at("2027-01-01");
  spec.traffic = {60, 1000, 20000, 5};
  llmgw::CreatedKey created = f.keys.create(spec);
  f.set_usage(created.key.id, "4", "1.5");
  ApiKey before = f.keys.get(created.key.id);
  std::string old_hash = f.stored_hash(created.key.id);
  f.clock.advance(60'000);

  llmgw::CreatedKey rolled = f.keys.roll(created.key.id);
  CHECK(rolled.secret != created.secret);
  CHECK(llmgw::is_well_formed_secret(rolled.secret));
  CHECK(rolled.key.prefix == rolled.secret.substr(0, 12));
  CHECK(f.stored_hash(created.key.id) == llmgw::hash_secret(rolled.secret));
  CHECK(f.stored_hash(created.key.id) != old_hash);
  CHECK_FALSE(f.keys.find_by_secret(created.secret));
  CHECK(f.keys.find_by_secret(rolled.secret)->id == created.key.id);

  // Everything but the prefix and updated_at is as it was.
  ApiKey after = f.keys.get(created.key.id);
  CHECK(after.updated_at == f.clock.now());
  after.prefix = before.prefix;
  after.updated_at = before.updated_at;
  CHECK(llmgw::to_json(after, f.clock.now()) == llmgw::to_json(before, f.clock.now()));
  CHECK(after.usage == usd("4"));
  CHECK(after.period_limit->usage == usd("1.5"));
}

TEST_CASE("key store: a disabled key can be rolled and stays disabled") {
  Fixture f;
  std::string id = f.keys.create(new_key("paused")).key.id;
  f.keys.disable(id);
  CHECK(f.keys.roll(id).key.status == KeyStatus::disabled);
}
