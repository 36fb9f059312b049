#include "tests/cli/iam_cli_fixture.h"
#include "tests/support/db_dump.h"
#include "tests/support/terminal.h"

#include <doctest/doctest.h>

using nlohmann::json;
using test::outcome_of;
using test::refused;
using test::run_ok;

TEST_CASE("cli: providers lists the built-in providers, as a table and as JSON") {
  test::TestDatabase db;
  test::Result shown = test::on_terminal(db.path, {"providers"});
  REQUIRE(shown.exit_code == 0);
  const std::string& table = shown.out;
  CHECK(table.rfind("ID          NAME                    KIND       ENABLED  MODELS  BASE URL", 0) ==
        0);
  CHECK(table.find("\nopenai      OpenAI                  openai     yes ") != std::string::npos);
  CHECK(table.find("\nanthropic   Anthropic               anthropic  yes      4       "
                   "https://api.anthropic.com ") != std::string::npos);
  json providers = test::parse_json(run_ok(db.path, {"--json", "providers"}))["providers"];
  REQUIRE(providers.is_array());
  CHECK(test::by_id(providers, "ollama") ==
        json::parse(R"j({"id": "ollama", "name": "Ollama (local)",
    "base_url": "http://127.0.0.1:11434/v1", "api_key_env": "", "enabled": true,
    "kind": "openai", "responses": false})j"));
  CHECK(test::by_id(providers, "openai")["responses"] == true);
}

TEST_CASE("cli: provider set changes a provider and adds a new one") {
  test::TestDatabase db;
  test::Outcome disabled =
      outcome_of(db.path, {"--json", "provider", "set", "openai", "--disable"});
  CHECK(disabled.exit_code == 0);
  CHECK(disabled.database_changed);
  CHECK(test::parse_json(disabled.out) == json::parse(R"({"id": "openai", "name": "OpenAI",
    "base_url": "https://api.openai.com/v1", "api_key_env": "OPENAI_API_KEY", "enabled": false,
    "kind": "openai", "responses": true})"));
  CHECK(run_ok(db.path, {"provider", "set", "vllm", "--base-url", "http://10.0.0.2:8000/v1",
                         "--name", "Local vLLM"}) ==
        "id:          vllm\n"
        "name:        Local vLLM\n"
        "kind:        openai\n"
        "responses:   no\n"
        "enabled:     yes\n"
        "base url:    http://10.0.0.2:8000/v1\n"
        "api key env: -\n");
  CHECK(test::parse_json(run_ok(db.path, {"--json", "providers"}))["providers"].size() == 12);
  // Enabling again, to the built-in state, leaves no stored difference.
  run_ok(db.path, {"provider", "set", "openai", "--enable"});
  json providers = test::parse_json(run_ok(db.path, {"catalog", "export"}))["providers"];
  CHECK(test::by_id(providers, "openai")["enabled"] == true);
}

TEST_CASE("cli: provider set --kind changes the API a provider speaks, and export keeps it") {
  test::TestDatabase db;
  test::Outcome native = outcome_of(db.path, {"--json", "provider", "set", "lab", "--kind",
                                              "anthropic", "--base-url", "http://127.0.0.1:9/"});
  CHECK(native.exit_code == 0);
  CHECK(test::parse_json(native.out)["kind"] == "anthropic");
  json providers = test::parse_json(run_ok(db.path, {"catalog", "export"}))["providers"];
  CHECK(test::by_id(providers, "lab")["kind"] == "anthropic");
  CHECK(test::by_id(providers, "openai")["kind"] == "openai");
  // The built-in anthropic provider speaks Anthropic's own API.
  const json builtin = test::by_id(providers, "anthropic");
  CHECK(builtin["kind"] == "anthropic");
  CHECK(builtin["base_url"] == "https://api.anthropic.com");
  CHECK(run_ok(db.path, {"provider", "set", "lab", "--kind", "openai"}).find("kind:        openai\n") !=
        std::string::npos);
}

TEST_CASE("cli: provider set --responses says a provider serves the Responses API") {
  test::TestDatabase db;
  run_ok(db.path, {"provider", "set", "lab", "--base-url", "http://127.0.0.1:9/v1"});
  test::Outcome on = outcome_of(db.path, {"--json", "provider", "set", "lab", "--responses"});
  CHECK(on.exit_code == 0);
  CHECK(test::parse_json(on.out)["responses"] == true);
  json providers = test::parse_json(run_ok(db.path, {"catalog", "export"}))["providers"];
  CHECK(test::by_id(providers, "lab")["responses"] == true);
  CHECK(run_ok(db.path, {"provider", "set", "lab", "--no-responses"}).find("responses:   no\n") !=
        std::string::npos);
  // Only an OpenAI-kind provider has it.
  CHECK(outcome_of(db.path, {"provider", "set", "anthropic", "--responses"}) ==
        refused(2, "provider 'anthropic': only a provider of kind openai serves the Responses "
                   "API\nsee 'llmgw provider set --help'"));
  CHECK(outcome_of(db.path, {"provider", "set", "openai", "--kind", "anthropic"}) ==
        refused(2, "provider 'openai': only a provider of kind openai serves the Responses "
                   "API\nsee 'llmgw provider set --help'"));
}

TEST_CASE("cli: provider set refusals change nothing") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"provider", "set", "openai", "--kind", "claude"}) ==
        refused(2, "invalid provider kind 'claude': must be openai or anthropic\n"
                   "see 'llmgw provider set --help'"));
  CHECK(outcome_of(db.path, {"provider", "set", "nope", "--name", "Nope"}) ==
        refused(3, "provider 'nope' not found; give it a base URL to add it"));
  CHECK(outcome_of(db.path, {"provider", "set", "openai"}) ==
        refused(2, "nothing to change: give at least one option\nsee 'llmgw provider set --help'"));
  CHECK(outcome_of(db.path, {"provider", "set", "openai", "--base-url", "api.openai.com"}) ==
        refused(2,
                "provider 'openai': invalid base_url 'api.openai.com': must start with "
                "http:// or https://\nsee 'llmgw provider set --help'"));
  CHECK(outcome_of(db.path, {"provider", "set", "openai", "--api-key-env", "1KEY"}) ==
        refused(2,
                "provider 'openai': invalid api_key_env '1KEY': must be an environment "
                "variable name such as OPENAI_API_KEY\nsee 'llmgw provider set --help'"));
  CHECK(outcome_of(db.path, {"provider", "set", "Bad/Id", "--base-url", "http://x"}) ==
        refused(2,
                "invalid provider id 'Bad/Id': use 1 to 64 of a-z 0-9 . _ -, starting with "
                "a letter or digit\nsee 'llmgw provider set --help'"));
  test::Outcome both = outcome_of(db.path, {"provider", "set", "openai", "--enable", "--disable"});
  CHECK(both.exit_code == 2);
  CHECK_FALSE(both.database_changed);
}

TEST_CASE("cli: catalog export prints the effective catalog, which imports back unchanged") {
  test::LabDatabase db;
  std::string exported = run_ok(db.path, {"catalog", "export"});
  json catalog = test::parse_json(exported);
  REQUIRE(catalog.is_object());
  CHECK(catalog.size() == 2);
  CHECK(test::by_id(catalog["models"], "lab-chat")["mappings"][1] ==
        json::parse(R"({"provider": "lab", "upstream_model": "lab-chat",
    "input_price": "1", "output_price": "2", "cached_input_price": "1", "context_size": 0,
    "max_output_tokens": 0, "streaming": true})"));
  CHECK(test::parse_json(run_ok(db.path, {"--json", "catalog", "export"})) == catalog);

  test::write_file(db.dir.file("catalog.json"), exported);
  test::Result imported = test::llmgw(db.path, {"catalog", "import", db.dir.file("catalog.json")});
  CHECK(imported.exit_code == 0);
  CHECK(imported.out == "");
  CHECK(imported.err ==
        "Imported 13 providers and 33 models from " + db.dir.file("catalog.json") + ".\n");
  CHECK(run_ok(db.path, {"catalog", "export"}) == exported);
}

TEST_CASE("cli: catalog import merges a file, or replaces the catalog with it") {
  test::LabDatabase db;
  std::string file = db.dir.file("small.json");
  test::write_file(
      file, R"({"providers": [{"id": "lab3", "name": "Lab 3", "base_url": "https://lab3.test/v1"}],
    "models": [{"id": "lab-chat", "name": "Lab Chat", "mappings": [
      {"provider": "lab3", "input_price": "0.25", "output_price": 0.5}]}]})");
  CHECK(test::parse_json(run_ok(db.path, {"--json", "catalog", "import", file})) ==
        json{{"providers", 1}, {"models", 1}});
  CHECK(run_ok(db.path, {"models", "--provider", "lab"}).find("lab-paid") != std::string::npos);
  CHECK(run_ok(db.path, {"models", "--provider", "lab3"}) ==
        "MODEL\tPROVIDER\tUPSTREAM\tINPUT\tOUTPUT\tCACHED\tCONTEXT\tMAX OUT\tSTREAM\n"
        "lab-chat\tlab3\tlab-chat\t$0.25\t$0.5\t$0.25\t-\t-\tyes\n");

  run_ok(db.path, {"catalog", "import", "--replace", "--yes", file});
  json catalog = test::parse_json(run_ok(db.path, {"catalog", "export"}));
  CHECK(catalog["models"].size() == 1);
  for (const json& p : catalog["providers"]) {
    CAPTURE(p["id"]);
    CHECK(p["enabled"] == (p["id"] == "lab3"));
  }
}

TEST_CASE("cli: a bad catalog file changes nothing and names the first bad entry") {
  test::LabDatabase db;
  std::string file = db.dir.file("bad.json");
  struct Row {
    const char* content;
    int exit_code;
    std::string message;
  };
  std::string source = "catalog file '" + file + "'";
  for (
      const Row& r : {
          Row{R"({"providers": [], "models": [
                 {"id": "ok", "mappings": [{"provider": "lab", "input_price": "1", "output_price": "1"}]},
                 {"id": "bad", "mappings": [{"provider": "lab", "input_price": "one", "output_price": "1"}]}]})",
              2,
              source + ": models[1] (bad): mappings[0]: invalid input_price 'one': expected a "
                       "plain decimal number such as 10 or 0.5"},
          Row{R"({"providers": [], "models": [
                 {"id": "ok", "mappings": [{"provider": "nowhere", "input_price": "1", "output_price": "1"}]}]})",
              2, source + ": models[0] (ok): mappings[0]: unknown provider 'nowhere'"},
          Row{R"({"providers": [{"id": "x", "name": "X", "base_url": "http://x", "enabled": "yes"}], "models": []})",
              2, source + ": providers[0]: \"enabled\" must be true or false"},
          Row{R"({"providers": [], "models": [})", 2,
              source + ": not valid JSON: parse error at line 1, column 30: syntax error while "
                       "parsing value - unexpected '}'; expected '[', '{', or a literal"},
      }) {
    CAPTURE(r.content);
    test::write_file(file, r.content);
    CHECK(outcome_of(db.path, {"catalog", "import", file}) ==
          refused(r.exit_code, r.message + "\nsee 'llmgw catalog import --help'"));
  }
  CHECK(outcome_of(db.path, {"catalog", "import", db.dir.file("missing.json")}) ==
        refused(3, "catalog file '" + db.dir.file("missing.json") + "' cannot be read"));
}

TEST_CASE("cli: catalog import reads stdin with -") {
  test::TestDatabase db;
  test::RunOptions options;
  options.stdin_text = R"({"providers": [], "models": [{"id": "mine", "mappings": [
    {"provider": "ollama", "upstream_model": "llama3.2", "input_price": "0", "output_price": "0"}]}]})";
  test::Result r = test::llmgw(db.path, {"catalog", "import", "-"}, options);
  CHECK(r.exit_code == 0);
  CHECK(r.err == "Imported 0 providers and 1 models from -.\n");
  CHECK(test::has_line(run_ok(db.path, {"models", "--provider", "ollama"}),
                       "mine\tollama\tllama3.2\t\\$0\t\\$0\t\\$0\t-\t-\tyes"));
}
