#include "tests/cli/iam_cli_fixture.h"

#include <doctest/doctest.h>

using nlohmann::json;
using test::masked;
using test::outcome_of;
using test::refused;
using test::run_ok;

namespace {

// An OpenAI-kind provider without the Responses API: what reaches it, and how.
const std::string k_openai_endpoints =
    R"({"/v1/chat/completions": "native", "/v1/embeddings": "native",)"
    R"( "/v1/messages": "translated", "/v1/responses": "translated"})";

// The traffic limits of a key created without any.
const std::string k_no_traffic_limits =
    R"({"requests_per_minute": null, "requests_per_day": null, "tokens_per_minute": null,)"
    R"( "max_parallel": null})";

}  // namespace

TEST_CASE("cli: key check of an allowed model prints the provider chosen, exit 0") {
  test::LabDatabase db;
  std::string id = db.key({"--deny-free"});
  test::Outcome human = outcome_of(db.path, {"key", "check", id, "--model", "lab-chat"});
  CHECK(human == test::Outcome{0,
                               "decision:       allowed (HTTP 200)\n"
                               "model:          lab-chat\n"
                               "provider:       lab2\n"
                               "upstream model: lab-chat\n"
                               "endpoints:      /v1/chat/completions, /v1/embeddings, "
                               "/v1/messages (translated), /v1/responses (translated)\n"
                               "fallbacks:      lab\n",
                               "", false});
  test::Result json_run = test::llmgw(db.path, {"--json", "key", "check", id, "-m", "lab-chat"});
  CHECK(json_run.exit_code == 0);
  CHECK(test::parse_json(json_run.out) == json::parse(R"({"key_id": ")" + id + R"(",
    "model": "lab-chat", "decision": "allowed", "status": 200, "reason": null, "rule_ids": [],
    "provider": "lab2", "upstream_model": "lab-chat", "candidates": [
      {"provider": "lab2", "upstream_model": "lab-chat", "input_price": "0.5",
       "output_price": "1", "cached_input_price": "0.5", "endpoints": )" + k_openai_endpoints + R"(},
      {"provider": "lab", "upstream_model": "lab-chat", "input_price": "1",
       "output_price": "2", "cached_input_price": "1", "endpoints": )" + k_openai_endpoints + R"(}],
    "traffic_limits": )" + k_no_traffic_limits + "}"));
}

TEST_CASE("cli: key check of a key without rules allows every candidate, cheapest first") {
  test::LabDatabase db;
  std::string id = db.key();
  json check = test::parse_json(run_ok(db.path, {"--json", "key", "check", id, "-m", "lab-chat"}));
  CHECK(check["provider"] == "echo");
  CHECK(check["candidates"].size() == 3);
  CHECK(test::parse_json(
            run_ok(db.path, {"--json", "key", "check", id, "-m", "lab/lab-chat"}))["candidates"]
            .size() == 1);
}

TEST_CASE("cli: key check of a denied model prints the reason and the rules, exit 5") {
  test::LabDatabase db;
  std::string id = db.key({"--allow-model", "lab-chat", "--max-input-price", "0.75"});
  json rules = test::parse_json(run_ok(db.path, {"--json", "key", "rule", "list", id}))["rules"];
  std::string models_rule = rules[0]["id"];
  std::string pricing_rule = rules[1]["id"];

  CHECK(outcome_of(db.path, {"key", "check", id, "--model", "lab-paid"}) ==
        test::Outcome{5,
                      "decision: denied (HTTP 403)\n"
                      "model:    lab-paid\n"
                      "reason:   Model lab-paid is not in the allowed models list\n"
                      "rules:    " +
                          models_rule + "\n",
                      "", false});
  test::Result priced = test::llmgw(db.path, {"--json", "key", "check", id, "-m", "lab/lab-chat"});
  CHECK(priced.exit_code == 5);
  CHECK(test::parse_json(priced.out) == json::parse(R"j({"key_id": ")j" + id + R"j(",
    "model": "lab/lab-chat", "decision": "denied", "status": 403,
    "reason": "Model input price exceeds maximum allowed ($1 > $0.75 per 1M tokens)",
    "rule_ids": [")j" + pricing_rule + R"j("], "provider": null, "upstream_model": null,
    "candidates": [], "traffic_limits": )j" + k_no_traffic_limits + "}"));
  // Disabling the rule lets the same request through.
  run_ok(db.path, {"key", "rule", "disable", id, pricing_rule});
  CHECK(test::llmgw(db.path, {"key", "check", id, "-m", "lab/lab-chat"}).exit_code == 0);
}

TEST_CASE("cli: key check of an unknown model, key or a refused key") {
  test::LabDatabase db;
  std::string id = db.key();
  CHECK(outcome_of(db.path, {"key", "check", id, "-m", "lab-chta"}) ==
        test::Outcome{5,
                      "decision: unknown_model (HTTP 400)\n"
                      "model:    lab-chta\n"
                      "reason:   Model lab-chta is not in the catalog\n",
                      "", false});
  test::Result unserved =
      test::llmgw(db.path, {"--json", "key", "check", id, "-m", "lab2/lab-paid"});
  CHECK(unserved.exit_code == 5);
  CHECK(test::parse_json(unserved.out)["reason"] ==
        "Model lab-paid is not served by provider lab2");
  CHECK(outcome_of(db.path, {"key", "check", "key_aaaaaaaaaaaa", "-m", "lab-chat"}) ==
        refused(3, "key 'key_aaaaaaaaaaaa' not found"));
  test::Outcome no_model = outcome_of(db.path, {"key", "check", id});
  CHECK(no_model.exit_code == 2);
  CHECK(no_model.err == "llmgw: error: missing option --model\nsee 'llmgw key check --help'\n");
}

TEST_CASE("cli: key check refuses for the key's status, expiry and limits before IAM") {
  test::LabDatabase db;
  std::string id = db.key({"--limit", "5", "--period-limit", "1", "--period", "1d"});
  auto check = [&] {
    test::Result r = test::llmgw(db.path, {"--json", "key", "check", id, "-m", "lab-chat"});
    CHECK(r.exit_code == 5);
    json out = test::parse_json(r.out);
    return std::to_string(out["status"].get<int>()) + " " +
           masked(out["reason"].get<std::string>());
  };
  test::set_key_column(db.path, id, "period_usage", 1'000'000'000'000);
  CHECK(check() == "402 Period usage limit reached: $1 of $1 per 1d used; resets at <time>");
  test::set_key_column(db.path, id, "usage", 5'000'000'000'000);
  CHECK(check() == "402 Usage limit reached: $5 of $5 used");
  test::set_key_column(db.path, id, "expires_at", 1'000);
  CHECK(check() == "401 API key expired at <time>");
  run_ok(db.path, {"key", "disable", id});
  CHECK(check() == "401 API key is disabled");
  run_ok(db.path, {"key", "delete", "--yes", id});
  CHECK(check() == "401 API key has been deleted");
}

TEST_CASE("cli: key check --ip applies the address rules after the status, before the limits") {
  test::LabDatabase db;
  std::string id = db.key({"--allow-ip", "203.0.113.0/24,2001:db8::/32", "--deny-ip",
                           "203.0.113.66", "--limit", "5"});
  json rules = test::parse_json(run_ok(db.path, {"--json", "key", "rule", "list", id}))["rules"];
  const std::string allow_rule = rules[0]["id"];
  const std::string deny_rule = rules[1]["id"];
  CHECK(test::llmgw(db.path, {"key", "check", id, "-m", "lab-chat", "--ip", "203.0.113.7"})
            .exit_code == 0);
  CHECK(test::llmgw(db.path, {"key", "check", id, "-m", "lab-chat", "--ip", "2001:db8::7"})
            .exit_code == 0);
  // Without --ip the address rules are not checked.
  CHECK(test::llmgw(db.path, {"key", "check", id, "-m", "lab-chat"}).exit_code == 0);
  CHECK(outcome_of(db.path, {"key", "check", id, "-m", "lab-chat", "--ip", "198.51.100.1"}) ==
        test::Outcome{5,
                      "decision: denied (HTTP 403)\n"
                      "model:    lab-chat\n"
                      "reason:   Access denied: Client address 198.51.100.1 is not in the "
                      "allowed addresses list\n"
                      "rules:    " +
                          allow_rule + "\n",
                      "", false});
  test::Result denied = test::llmgw(
      db.path, {"--json", "key", "check", id, "-m", "lab-chat", "--ip", "::ffff:203.0.113.66"});
  CHECK(denied.exit_code == 5);
  CHECK(test::parse_json(denied.out) == json::parse(R"j({"key_id": ")j" + id + R"j(",
    "model": "lab-chat", "decision": "denied", "status": 403,
    "reason": "Access denied: Client address 203.0.113.66 is in the denied addresses list",
    "rule_ids": [")j" + deny_rule + R"j("], "provider": null, "upstream_model": null,
    "candidates": [], "traffic_limits": )j" + k_no_traffic_limits + "}"));
  // The budget comes after the address, the status before it.
  test::set_key_column(db.path, id, "usage", 5'000'000'000'000);
  CHECK(test::parse_json(test::llmgw(db.path, {"--json", "key", "check", id, "-m", "lab-chat",
                                               "--ip", "198.51.100.1"})
                             .out)["status"] == 403);
  CHECK(test::parse_json(test::llmgw(db.path, {"--json", "key", "check", id, "-m", "lab-chat",
                                               "--ip", "203.0.113.7"})
                             .out)["status"] == 402);
  run_ok(db.path, {"key", "disable", id});
  CHECK(test::parse_json(test::llmgw(db.path, {"--json", "key", "check", id, "-m", "lab-chat",
                                               "--ip", "198.51.100.1"})
                             .out)["status"] == 401);
  CHECK(outcome_of(db.path, {"key", "check", id, "-m", "lab-chat", "--ip", "203.0.113.0/24"}) ==
        refused(2, "invalid --ip '203.0.113.0/24': expected an IPv4 or IPv6 address\n"
                   "see 'llmgw key check --help'"));
}

TEST_CASE("cli: key check shows the key's traffic limits without counting them") {
  test::LabDatabase db;
  std::string id = db.key({"--allow-model", "lab-chat", "--rpm", "60", "--max-parallel", "2"});
  CHECK(outcome_of(db.path, {"key", "check", id, "-m", "echo/lab-chat"}) ==
        test::Outcome{0,
                      "decision:       allowed (HTTP 200)\n"
                      "model:          echo/lab-chat\n"
                      "provider:       echo\n"
                      "upstream model: lab-chat\n"
                      "endpoints:      /v1/chat/completions, /v1/embeddings, /v1/messages, "
                      "/v1/responses\n"
                      "fallbacks:      -\n"
                      "traffic limits: 60/min, 2 in flight\n",
                      "", false});
  const std::string rule = test::parse_json(
      run_ok(db.path, {"--json", "key", "rule", "list", id}))["rules"][0]["id"];
  CHECK(outcome_of(db.path, {"key", "check", id, "-m", "lab-paid"}) ==
        test::Outcome{5,
                      "decision:       denied (HTTP 403)\n"
                      "model:          lab-paid\n"
                      "reason:         Model lab-paid is not in the allowed models list\n"
                      "rules:          " + rule + "\n"
                      "traffic limits: 60/min, 2 in flight\n",
                      "", false});
  test::Result json_run = test::llmgw(db.path, {"--json", "key", "check", id, "-m", "lab-paid"});
  CHECK(json_run.exit_code == 5);
  CHECK(test::parse_json(json_run.out)["traffic_limits"] ==
        json{{"requests_per_minute", 60}, {"requests_per_day", nullptr},
             {"tokens_per_minute", nullptr}, {"max_parallel", 2}});
}
