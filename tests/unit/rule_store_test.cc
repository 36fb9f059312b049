#include "core/key_store.h"
#include "core/rule_store.h"
#include "core/store.h"
#include "tests/support/fake_clock.h"
#include "tests/support/temp_dir.h"
#include "tests/support/thrown.h"
#include "tests/unit/iam_fixture.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using llmgw::Force;
using llmgw::IfExists;
using llmgw::Rule;
using llmgw::RuleStatus;
using llmgw::RuleType;
using nlohmann::json;

namespace {

struct Fixture {
  test::TempDir dir;
  llmgw::Store store{dir.file("llmgw.db")};
  test::FakeClock clock{1'800'000'000'000};
  llmgw::KeyStore keys{store, clock};
  llmgw::RuleStore rules{store, clock};
  std::string key_id = keys.create({"rules", {}, {}, {}, {}}).key.id;

  std::vector<Rule> add(std::vector<Rule> r, Force force = Force::no) {
    return rules.add(key_id, std::move(r), test::iam_catalog(), force);
  }
};

Rule draft(RuleType type, const char* value) {
  return llmgw::make_rule(type, json::parse(value));
}

std::string ids_and_types(const std::vector<Rule>& rules) {
  std::string out;
  for (const Rule& r : rules) {
    out += std::string(llmgw::to_string(r.type)) + (r.active ? "" : "(inactive)") + " ";
  }
  return out;
}

}  // namespace

TEST_CASE("rule store: rules are listed in the order they were added") {
  Fixture f;
  auto added = f.add({draft(RuleType::deny_pricing, R"({"pricingType": "free"})"),
                      draft(RuleType::allow_models, R"({"models": ["solo"]})")});
  REQUIRE(added.size() == 2);
  CHECK(added[0].id.rfind("rule_", 0) == 0);
  CHECK(added[0].id.size() == 17);
  CHECK(added[0].key_id == f.key_id);
  CHECK(added[0].created_at == f.clock.now());
  CHECK(added[1].created_at == f.clock.now() + 1);
  f.add({draft(RuleType::allow_providers, R"({"providers": ["beta"]})")});  // same instant
  auto listed = f.rules.list(f.key_id);
  CHECK(ids_and_types(listed) == "deny_pricing allow_models allow_providers ");
  CHECK(listed[2].created_at == f.clock.now() + 2);
  CHECK(listed[0].id == added[0].id);
  CHECK(f.rules.counts() == std::map<std::string, std::size_t>{{f.key_id, 3}});
  CHECK(f.rules.list("key_unknown").empty());
}

TEST_CASE("rule store: unknown names are refused unless forced") {
  Fixture f;
  CHECK(test::thrown_by(
            [&] { f.add({draft(RuleType::allow_models, R"({"models": ["solo", "mult"]})")}); }) ==
        test::invalid("unknown model 'mult' in allow_models rule (did you mean multi?); --force "
                      "saves it anyway"));
  CHECK(test::thrown_by(
            [&] { f.add({draft(RuleType::deny_providers, R"({"providers": ["zzz"]})")}); }) ==
        test::invalid("unknown provider 'zzz' in deny_providers rule; --force saves it anyway"));
  // All or none: the good first rule was not stored either.
  CHECK(test::thrown_by([&] {
          f.add({draft(RuleType::allow_models, R"({"models": ["solo"]})"),
                 draft(RuleType::allow_models, R"({"models": ["nope"]})")});
        }).has_value());
  CHECK(f.rules.list(f.key_id).empty());
  CHECK(f.add({draft(RuleType::allow_models, R"({"models": ["future-model"]})")}, Force::yes)
            .size() == 1);
}

TEST_CASE("rule store: rules of unknown and deleted keys") {
  Fixture f;
  auto rule = draft(RuleType::allow_models, R"({"models": ["solo"]})");
  CHECK(test::thrown_by([&] { f.rules.add("key_nope", {rule}, test::iam_catalog(), Force::no); }) ==
        test::not_found("key 'key_nope' not found"));
  f.keys.remove(f.key_id, IfExists::no);
  CHECK(test::thrown_by([&] { f.add({rule}); }) ==
        test::conflict("key '" + f.key_id + "' is deleted and its rules cannot be changed"));
  CHECK(test::thrown_by([&] { f.rules.clear(f.key_id); }) ==
        test::conflict("key '" + f.key_id + "' is deleted and its rules cannot be changed"));
}

TEST_CASE("rule store: remove, enable, disable, clear") {
  Fixture f;
  auto added = f.add({draft(RuleType::allow_models, R"({"models": ["solo"]})"),
                      draft(RuleType::deny_models, R"({"models": ["multi"]})"),
                      draft(RuleType::allow_pricing, R"({"maxInputPrice": 2})")});
  Rule off = f.rules.set_status(f.key_id, added[1].id, RuleStatus::inactive);
  CHECK_FALSE(off.active);
  CHECK_FALSE(f.rules.set_status(f.key_id, added[1].id, RuleStatus::inactive).active);  // again
  CHECK(ids_and_types(f.rules.list(f.key_id)) ==
        "allow_models deny_models(inactive) allow_pricing ");
  CHECK(f.rules.set_status(f.key_id, added[1].id, RuleStatus::active).active);

  auto removed = f.rules.remove(f.key_id, added[0].id, IfExists::no);
  REQUIRE(removed.has_value());
  CHECK(removed->id == added[0].id);
  CHECK(test::thrown_by([&] { f.rules.remove(f.key_id, added[0].id, IfExists::no); }) ==
        test::not_found("rule '" + added[0].id + "' not found on key '" + f.key_id + "'"));
  CHECK_FALSE(f.rules.remove(f.key_id, added[0].id, IfExists::yes).has_value());
  CHECK(test::thrown_by([&] { f.rules.set_status(f.key_id, "rule_x", RuleStatus::active); }) ==
        test::not_found("rule 'rule_x' not found on key '" + f.key_id + "'"));

  CHECK(f.rules.clear(f.key_id) == 2);
  CHECK(f.rules.clear(f.key_id) == 0);
  CHECK(f.rules.list(f.key_id).empty());
}

TEST_CASE("rule store: a key and its rules are created in one transaction") {
  Fixture f;
  auto rule = draft(RuleType::allow_models, R"({"models": ["nope"]})");
  auto before = f.keys.list(llmgw::IncludeDeleted::yes).size();
  CHECK(test::thrown_by([&] {
          f.keys.create({"with rules", {}, {}, {}, {}}, [&](const llmgw::ApiKey& key) {
            f.rules.insert(key.id, {rule}, test::iam_catalog(), Force::no);
          });
        }) == test::invalid("unknown model 'nope' in allow_models rule; --force saves it anyway"));
  CHECK(f.keys.list(llmgw::IncludeDeleted::yes).size() == before);
  auto created = f.keys.create({"with rules", {}, {}, {}, {}}, [&](const llmgw::ApiKey& key) {
    f.rules.insert(key.id, {rule}, test::iam_catalog(), Force::yes);
  });
  CHECK(f.rules.list(created.key.id).size() == 1);
}
