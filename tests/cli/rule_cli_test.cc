#include "tests/cli/iam_cli_fixture.h"
#include "tests/support/terminal.h"

#include <doctest/doctest.h>

using nlohmann::json;
using test::masked;
using test::outcome_of;
using test::refused;
using test::run_ok;

TEST_CASE("cli: key create with rule flags stores one rule per kind, in a fixed order, and "
          "rule list shows them in a table on a terminal") {
  test::LabDatabase db;
  std::string id = db.key({"--deny-paid", "--allow-model", "lab-chat", "--allow-model", "lab-paid",
                           "--deny-provider", "lab2,echo", "--max-input-price", "2", "--free-only",
                           "--allow-provider", "lab", "--deny-model", "lab-paid", "--deny-free",
                           "--max-output-price", "0.5"});
  CHECK(masked(test::on_terminal(db.path, {"key", "rule", "list", id}).out) ==
        "ID                 TYPE             VALUE                                                            "
        "  STATUS  CREATED\n"
        "<rule>  allow_models     {\"models\":[\"lab-chat\",\"lab-paid\"]}                               "
        "  active  <time>\n"
        "<rule>  allow_providers  {\"providers\":[\"lab\"]}                                            "
        "  active  <time>\n"
        "<rule>  allow_pricing    {\"maxInputPrice\":\"2\",\"maxOutputPrice\":\"0.5\",\"pricingType\":\"free\"}"
        "  active  <time>\n"
        "<rule>  deny_models      {\"models\":[\"lab-paid\"]}                                          "
        "  active  <time>\n"
        "<rule>  deny_providers   {\"providers\":[\"lab2\",\"echo\"]}                                    "
        "  active  <time>\n"
        "<rule>  deny_pricing     {\"pricingType\":\"free\"}                                           "
        "  active  <time>\n"
        "<rule>  deny_pricing     {\"pricingType\":\"paid\"}                                           "
        "  active  <time>\n");
}

TEST_CASE("cli: --allow-ip and --deny-ip store address rules, canonical, after the others of "
          "their kind") {
  test::LabDatabase db;
  std::string id = db.key({"--deny-ip", "2001:DB8::/32", "--allow-ip", "10.0.0.0/8,203.0.113.7",
                           "--allow-model", "lab-chat", "--deny-free"});
  json rules = test::parse_json(run_ok(db.path, {"--json", "key", "rule", "list", id}))["rules"];
  REQUIRE(rules.size() == 4);
  CHECK(rules[0]["type"] == "allow_models");
  CHECK(rules[1]["type"] == "allow_ips");
  CHECK(rules[1]["value"] == json::parse(R"({"ips": ["10.0.0.0/8", "203.0.113.7/32"]})"));
  CHECK(rules[2]["type"] == "deny_pricing");
  CHECK(rules[3]["type"] == "deny_ips");
  CHECK(rules[3]["value"] == json::parse(R"({"ips": ["2001:db8::/32"]})"));
  // A network that is not one creates nothing.
  test::Outcome bad = outcome_of(db.path, {"key", "create", "-d", "x", "--allow-ip", "10.1.2.3/8"});
  CHECK(bad == refused(2, "invalid allow_ips rule value: invalid network '10.1.2.3/8': bits are "
                          "set after the /8 prefix (did you mean 10.0.0.0/8?)\n"
                          "see 'llmgw key create --help'"));
  CHECK(outcome_of(db.path, {"key", "rule", "add", id, "--deny-ip", "example.com"}) ==
        refused(2, "invalid deny_ips rule value: invalid network 'example.com': expected an IPv4 "
                   "or IPv6 address or CIDR block, such as 203.0.113.0/24 or 2001:db8::/32\n"
                   "see 'llmgw key rule add --help'"));
}

TEST_CASE("cli: key list and key show count the rules") {
  test::LabDatabase db;
  std::string id = db.key({"--allow-model", "lab-chat", "--deny-free"});
  json created = test::parse_json(run_ok(db.path, {"--json", "key", "show", id}));
  CHECK(created["rule_count"] == 2);
  CHECK(test::parse_json(run_ok(db.path, {"--json", "key", "list"}))["keys"][0]["rule_count"] == 2);
  CHECK(test::has_line(run_ok(db.path, {"key", "show", id}), "rules: +2"));
  std::string table = run_ok(db.path, {"key", "list"});
  CHECK(test::has_line(table, "ID\t.*\tEXPIRES\tRULES\tDESCRIPTION"));
  CHECK(test::has_line(table, id + "\t.*\tnever\t2\tiam test"));
  std::string bare = db.key();
  CHECK(test::parse_json(run_ok(db.path, {"--json", "key", "show", bare}))["rule_count"] == 0);
}

TEST_CASE("cli: key create with a bad rule creates no key") {
  test::LabDatabase db;
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--allow-model", "lab-chta"}) ==
        refused(2,
                "unknown model 'lab-chta' in allow_models rule (did you mean lab-chat?); "
                "--force saves it anyway\nsee 'llmgw key create --help'"));
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--deny-provider", "lab3"}) ==
        refused(2,
                "unknown provider 'lab3' in deny_providers rule (did you mean lab, lab2?); "
                "--force saves it anyway\nsee 'llmgw key create --help'"));
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--max-input-price", "cheap"}) ==
        refused(2,
                "invalid --max-input-price 'cheap': expected a plain decimal number such as 10 "
                "or 0.5\nsee 'llmgw key create --help'"));
  CHECK(outcome_of(db.path, {"key", "create", "-d", "x", "--max-output-price", "0.0000001"}) ==
        refused(2, "invalid --max-output-price '0.0000001': at most 6 decimal places\n"
                   "see 'llmgw key create --help'"));
  test::Outcome both =
      outcome_of(db.path, {"key", "create", "-d", "x", "--free-only", "--paid-only"});
  CHECK(both.exit_code == 2);
  CHECK_FALSE(both.database_changed);
  test::Outcome forced =
      outcome_of(db.path, {"key", "create", "-d", "x", "--allow-model", "lab-next", "--force"});
  CHECK(forced.exit_code == 0);
  CHECK(forced.database_changed);
}

TEST_CASE("cli: key rule add appends rules, from flags or a typed JSON value") {
  test::LabDatabase db;
  std::string id = db.key({"--allow-model", "lab-chat"});
  test::Result added = test::llmgw(db.path, {"key", "rule", "add", id, "--deny-provider", "lab2"});
  CHECK(added.exit_code == 0);
  CHECK(masked(added.out) ==
        "ID\tTYPE\tVALUE\tSTATUS\tCREATED\n"
        "<rule>\tdeny_providers\t{\"providers\":[\"lab2\"]}\tactive\t<time>\n");
  CHECK(added.err == "Added 1 rule to key " + id + ".\n");
  json typed =
      test::parse_json(run_ok(db.path, {"--json", "key", "rule", "add", id, "--type",
                                        "allow_pricing", "--value", R"({"maxInputPrice": 0.75})"}));
  REQUIRE(typed["rules"].size() == 1);
  json rule = typed["rules"][0];
  CHECK(test::matches(rule["id"], "rule_[a-z2-7]{12}"));
  CHECK(test::matches(rule["created_at"], test::k_time_pattern));
  rule.erase("id");
  rule.erase("created_at");
  CHECK(typed["key_id"] == id);
  CHECK(rule == json{{"key_id", id},
                     {"type", "allow_pricing"},
                     {"value", {{"maxInputPrice", "0.75"}}},
                     {"status", "active"}});
  json listed = test::parse_json(run_ok(db.path, {"--json", "key", "rule", "list", id}));
  CHECK(listed["rules"].size() == 3);
  CHECK(listed["rules"][2]["type"] == "allow_pricing");
}

TEST_CASE("cli: key rule add refusals change nothing") {
  test::LabDatabase db;
  std::string id = db.key();
  CHECK(outcome_of(db.path, {"key", "rule", "add", "key_aaaaaaaaaaaa", "--deny-free"}) ==
        refused(3, "key 'key_aaaaaaaaaaaa' not found"));
  CHECK(outcome_of(db.path, {"key", "rule", "add", id}) ==
        refused(2, "no rule given: use a rule flag such as --allow-model, or --type and --value\n"
                   "see 'llmgw key rule add --help'"));
  CHECK(outcome_of(db.path, {"key", "rule", "add", id, "--allow-model", "lab-chat,nope"}) ==
        refused(2, "unknown model 'nope' in allow_models rule; --force saves it anyway\n"
                   "see 'llmgw key rule add --help'"));
  CHECK(outcome_of(db.path, {"key", "rule", "add", id, "--type", "deny_pricing", "--value",
                             R"({"pricingType": "free", "maxInputPrice": 1})"}) ==
        refused(2,
                "invalid deny_pricing rule value: price caps (maxInputPrice, maxOutputPrice) "
                "are only allowed on allow_pricing rules\nsee 'llmgw key rule add --help'"));
  CHECK(outcome_of(db.path, {"key", "rule", "add", id, "--type", "allow_model", "--value", "{}"}) ==
        refused(2,
                "invalid rule type 'allow_model': expected allow_models, deny_models, "
                "allow_providers, deny_providers, allow_pricing, deny_pricing, allow_ips or "
                "deny_ips\nsee 'llmgw key rule add --help'"));
  CHECK(outcome_of(db.path, {"key", "rule", "add", id, "--type", "allow_models", "--value", "["}) ==
        refused(2,
                "--value: not valid JSON: parse error at line 1, column 2: syntax error while "
                "parsing value - unexpected end of input; expected '[', '{', or a literal\n"
                "see 'llmgw key rule add --help'"));
  run_ok(db.path, {"key", "delete", "--yes", id});
  CHECK(outcome_of(db.path, {"key", "rule", "add", id, "--deny-free"}) ==
        refused(4, "key '" + id + "' is deleted and its rules cannot be changed"));
}

TEST_CASE("cli: key rule disable, enable, delete (alias rm) and clear") {
  test::LabDatabase db;
  std::string id = db.key({"--allow-model", "lab-chat", "--deny-free", "--deny-provider", "lab"});
  json rules = test::parse_json(run_ok(db.path, {"--json", "key", "rule", "list", id}))["rules"];
  std::string first = rules[0]["id"];
  std::string second = rules[1]["id"];

  test::Result disabled = test::llmgw(db.path, {"key", "rule", "disable", id, first});
  CHECK(disabled.exit_code == 0);
  CHECK(disabled.err == "Disabled rule " + first + ".\n");
  CHECK(test::parse_json(run_ok(
            db.path, {"--json", "key", "rule", "disable", id, first}))["status"] == "inactive");
  CHECK(test::parse_json(
            run_ok(db.path, {"--json", "key", "rule", "enable", id, first}))["status"] == "active");
  CHECK(test::llmgw(db.path, {"key", "rule", "enable", id, first}).err ==
        "Enabled rule " + first + ".\n");

  test::Result removed = test::llmgw(db.path, {"key", "rule", "delete", id, second});
  CHECK(removed.exit_code == 0);
  CHECK(removed.err == "Deleted rule " + second + " from key " + id + ".\n");
  CHECK(outcome_of(db.path, {"key", "rule", "rm", id, second}) ==
        refused(3, "rule '" + second + "' not found on key " + "'" + id + "'"));
  CHECK(outcome_of(db.path, {"key", "rule", "rm", id, second, "--if-exists"}) ==
        test::Outcome{0, "", "Rule " + second + " was not there; nothing to do.\n", false});
  CHECK(outcome_of(db.path, {"key", "rule", "enable", id, "rule_aaaaaaaaaaaa"}) ==
        refused(3, "rule 'rule_aaaaaaaaaaaa' not found on key '" + id + "'"));

  CHECK(test::parse_json(run_ok(db.path, {"--json", "key", "rule", "clear", "--yes", id})) ==
        json{{"key_id", id}, {"removed", 2}});
  CHECK(test::llmgw(db.path, {"key", "rule", "clear", "--yes", id}).err ==
        "Removed 0 rules from key " + id + ".\n");
  CHECK(run_ok(db.path, {"key", "rule", "list", id}) == "ID\tTYPE\tVALUE\tSTATUS\tCREATED\n");
  CHECK(outcome_of(db.path, {"key", "rule", "list", "key_aaaaaaaaaaaa"}) ==
        refused(3, "key 'key_aaaaaaaaaaaa' not found"));
}
