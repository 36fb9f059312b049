#include "tests/cli/iam_cli_fixture.h"

#include <doctest/doctest.h>

using nlohmann::json;
using test::outcome_of;
using test::refused;
using test::run_ok;

TEST_CASE("cli: models lists one row per mapping, filtered by provider or price") {
  test::LabDatabase db;
  CHECK(run_ok(db.path, {"models", "--provider", "lab"}) ==
        "MODEL\tPROVIDER\tUPSTREAM\tINPUT\tOUTPUT\tCACHED\tCONTEXT\tMAX OUT\tSTREAM\n"
        "lab-chat\tlab\tlab-chat\t$1\t$2\t$1\t-\t-\tyes\n"
        "lab-paid\tlab\tlab-paid\t$3\t$6\t$3\t-\t-\tyes\n");
  std::string free = run_ok(db.path, {"models", "--free"});
  CHECK(test::has_line(free, "lab-chat\techo\tlab-chat\t\\$0\t.*"));
  CHECK(free.find("lab2") == std::string::npos);
  CHECK(free.find("$1") == std::string::npos);
  CHECK(test::parse_json(run_ok(db.path, {"--json", "models", "--provider", "lab2"})) ==
        json::parse(R"({"models": [{"id": "lab-chat", "name": "lab-chat", "mappings": [
          {"provider": "lab2", "upstream_model": "lab-chat", "input_price": "0.5",
           "output_price": "1", "cached_input_price": "0.5", "context_size": 0,
           "max_output_tokens": 0, "streaming": true}]}]})"));
  CHECK(outcome_of(db.path, {"models", "--provider", "lab4"}) ==
        refused(3, "provider 'lab4' not found (did you mean lab, lab2?)"));
}

TEST_CASE("cli: models marks a disabled provider") {
  test::LabDatabase db;
  run_ok(db.path, {"provider", "set", "lab2", "--disable"});
  CHECK(run_ok(db.path, {"models", "--provider", "lab2"}) ==
        "MODEL\tPROVIDER\tUPSTREAM\tINPUT\tOUTPUT\tCACHED\tCONTEXT\tMAX OUT\tSTREAM\n"
        "lab-chat\tlab2 (disabled)\tlab-chat\t$0.5\t$1\t$0.5\t-\t-\tyes\n");
}

TEST_CASE("cli: model add takes every mapping option") {
  test::LabDatabase db;
  json added = test::parse_json(run_ok(db.path, {"--json",
                                                 "model",
                                                 "add",
                                                 "lab-big",
                                                 "--name",
                                                 "Lab Big",
                                                 "--provider",
                                                 "lab",
                                                 "--upstream-model",
                                                 "big-v2",
                                                 "--input-price",
                                                 "1.25",
                                                 "--output-price",
                                                 "10",
                                                 "--cached-input-price",
                                                 "0.125",
                                                 "--context-size",
                                                 "200000",
                                                 "--max-output-tokens",
                                                 "8192",
                                                 "--no-streaming"}));
  CHECK(added == json::parse(R"({"id": "lab-big", "name": "Lab Big", "mappings": [
    {"provider": "lab", "upstream_model": "big-v2", "input_price": "1.25", "output_price": "10",
     "cached_input_price": "0.125", "context_size": 200000, "max_output_tokens": 8192,
     "streaming": false}]})"));
  CHECK(run_ok(db.path, {"model", "add", "lab-paid", "--provider", "lab2", "--input-price", "2",
                         "--output-price", "4"}) ==
        "MODEL\tPROVIDER\tUPSTREAM\tINPUT\tOUTPUT\tCACHED\tCONTEXT\tMAX OUT\tSTREAM\n"
        "lab-paid\tlab\tlab-paid\t$3\t$6\t$3\t-\t-\tyes\n"
        "lab-paid\tlab2\tlab-paid\t$2\t$4\t$2\t-\t-\tyes\n");
}

TEST_CASE("cli: model add refusals change nothing") {
  test::LabDatabase db;
  CHECK(outcome_of(db.path, {"model", "add", "lab-paid", "--provider", "lab", "--input-price", "1",
                             "--output-price", "1"}) ==
        refused(4, "model 'lab-paid' already has a mapping for provider 'lab'"));
  CHECK(outcome_of(db.path, {"model", "add", "x", "--provider", "labb", "--input-price", "1",
                             "--output-price", "1"}) ==
        refused(3, "provider 'labb' not found (did you mean lab, lab2?)"));
  CHECK(
      outcome_of(db.path, {"model", "add", "x", "--provider", "lab", "--input-price", "1,5",
                           "--output-price", "1"}) ==
      refused(2, "invalid --input-price '1,5': expected a plain decimal number such as 10 or 0.5\n"
                 "see 'llmgw model add --help'"));
  CHECK(outcome_of(db.path, {"model", "add", "x", "--provider", "lab", "--input-price", "-1",
                             "--output-price", "1"}) ==
        refused(2, "invalid --input-price '-1': must not be negative\n"
                   "see 'llmgw model add --help'"));
  CHECK(outcome_of(db.path, {"model", "add", "lab/x", "--provider", "lab", "--input-price", "1",
                             "--output-price", "1"}) ==
        refused(2,
                "model 'lab/x': the part before '/' is a provider id, so the id would read as "
                "provider/model\nsee 'llmgw model add --help'"));
  test::Outcome missing = outcome_of(db.path, {"model", "add", "x", "--provider", "lab"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err == "llmgw: error: missing option --input-price\nsee 'llmgw model add --help'\n");
  CHECK_FALSE(missing.database_changed);
}

TEST_CASE("cli: model update renames a model and changes a mapping") {
  test::LabDatabase db;
  json updated =
      test::parse_json(run_ok(db.path, {"--json", "model", "update", "lab-chat", "--provider",
                                        "lab2", "--output-price", "0.75", "--name", "Lab Chat"}));
  CHECK(updated["name"] == "Lab Chat");
  CHECK(updated["mappings"][2]["provider"] == "lab2");
  CHECK(updated["mappings"][2]["output_price"] == "0.75");
  CHECK(updated["mappings"][2]["input_price"] == "0.5");
  CHECK(outcome_of(db.path, {"model", "update", "lab-chat", "--input-price", "1"}) ==
        refused(2, "changing a mapping needs --provider\nsee 'llmgw model update --help'"));
  CHECK(outcome_of(db.path, {"model", "update", "lab-chat"}) ==
        refused(2, "nothing to update: give --name, or --provider with a mapping option\n"
                   "see 'llmgw model update --help'"));
  CHECK(outcome_of(db.path,
                   {"model", "update", "lab-chat", "--provider", "openai", "--input-price", "1"}) ==
        refused(3, "model 'lab-chat' has no mapping for provider 'openai'"));
  CHECK(outcome_of(db.path, {"model", "update", "lab-chta", "--name", "x"}) ==
        refused(3, "model 'lab-chta' not found (did you mean lab-chat?)"));
}

TEST_CASE("cli: model delete removes a mapping or a whole model, and rm is its alias") {
  test::LabDatabase db;
  test::Result mapping =
      test::llmgw(db.path, {"model", "delete", "--yes", "lab-chat", "--provider", "echo"});
  CHECK(mapping.exit_code == 0);
  CHECK(mapping.err == "Deleted the echo mapping of model lab-chat.\n");
  CHECK(test::parse_json(
            run_ok(db.path, {"--json", "model", "rm", "--yes", "lab-paid", "--provider", "lab"})) ==
        json::parse(R"({"model": "lab-paid", "provider": "lab", "model_removed": true})"));
  run_ok(db.path, {"model", "add", "lab-extra", "--provider", "lab", "--input-price", "1",
                   "--output-price", "1"});
  test::Result whole = test::llmgw(db.path, {"model", "delete", "--yes", "lab-chat"});
  CHECK(whole.exit_code == 0);
  CHECK(whole.err == "Deleted model lab-chat.\n");
  json models = test::parse_json(run_ok(db.path, {"catalog", "export"}))["models"];
  CHECK(test::by_id(models, "lab-chat") == nullptr);
  CHECK(test::by_id(models, "lab-paid") == nullptr);
  CHECK(test::by_id(models, "lab-extra")["mappings"].size() == 1);
  CHECK(outcome_of(db.path, {"model", "rm", "--yes", "lab-chat"}) ==
        refused(3, "model 'lab-chat' not found"));
}

TEST_CASE("cli: cache-write prices are the catalog's where it gives them, else follow the "
          "input price") {
  test::LabDatabase db;
  // The built-in Claude mappings follow their input price, as Anthropic's do.
  json exported = test::parse_json(run_ok(db.path, {"catalog", "export"}));
  json haiku = test::by_id(exported["models"], "claude-haiku-4-5")["mappings"][0];
  CHECK_FALSE(haiku.contains("cache_write_price"));
  CHECK_FALSE(haiku.contains("cache_write_1h_price"));
  // A mapping without them has none in its JSON; setting one stores it and shows it.
  json updated = test::parse_json(
      run_ok(db.path, {"--json", "model", "update", "lab-chat", "--provider", "lab2",
                       "--cache-write-price", "0.7", "--cache-write-1h-price", "1.1"}));
  CHECK(updated["mappings"][2]["cache_write_price"] == "0.7");
  CHECK(updated["mappings"][2]["cache_write_1h_price"] == "1.1");
  CHECK_FALSE(updated["mappings"][0].contains("cache_write_price"));
  CHECK(outcome_of(db.path, {"model", "update", "lab-chat", "--provider", "lab2",
                             "--cache-write-price", "-1"}) ==
        refused(2, "invalid --cache-write-price '-1': must not be negative\n"
                   "see 'llmgw model update --help'"));
}

TEST_CASE("cli: a long-context tier is set with its three options together, and removed") {
  test::LabDatabase db;
  json updated = test::parse_json(run_ok(
      db.path, {"--json", "model", "update", "lab-chat", "--provider", "lab2",
                "--long-context-above", "200000", "--long-context-input-price", "6",
                "--long-context-output-price", "22.5"}));
  CHECK(updated["mappings"][2]["long_context"] ==
        json::parse(R"({"above_tokens": 200000, "input_price": "6", "output_price": "22.5"})"));
  json exported = test::parse_json(run_ok(db.path, {"catalog", "export"}));
  CHECK(test::by_id(exported["models"], "lab-chat")["mappings"][2]["long_context"]["above_tokens"] ==
        200000);
  CHECK(outcome_of(db.path, {"model", "update", "lab-chat", "--provider", "lab2",
                             "--long-context-above", "1000"}) ==
        refused(2, "a long-context tier needs --long-context-above, --long-context-input-price "
                   "and --long-context-output-price together\nsee 'llmgw model update --help'"));
  updated = test::parse_json(run_ok(db.path, {"--json", "model", "update", "lab-chat",
                                              "--provider", "lab2", "--no-long-context"}));
  CHECK_FALSE(updated["mappings"][2].contains("long_context"));
}
