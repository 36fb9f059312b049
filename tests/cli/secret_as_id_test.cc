// A key's secret pasted where an id belongs is refused before anything runs, and never
// printed back: not in the error, not in a "not found" or "did you mean", not on stdout.
// Nor is one taken anywhere else on the command line: a description, a model in a list,
// a path.
#include "core/secret.h"
#include "tests/cli/iam_cli_fixture.h"

#include <doctest/doctest.h>

using test::outcome_of;
using test::refused;

namespace {

std::string refusal(const std::string& id_rule) {
  return "that looks like a key's secret, not its id; " + id_rule +
         " (the secret was not stored or printed)";
}

}  // namespace

TEST_CASE("cli: a secret given as a key id is refused without being echoed") {
  test::TestDatabase db;
  nlohmann::json key = test::create_key(db.path, {"-d", "ci pipeline"});
  std::string id = key["id"];
  std::string secret = key["secret"];
  REQUIRE(llmgw::is_well_formed_secret(secret));
  std::string body = secret.substr(llmgw::k_secret_prefix.size());
  std::string key_rule = refusal("key ids start with 'key_'");
  struct Row {
    std::vector<std::string> args;
    std::string command;  // whose help the refusal points to
    std::string message;
  };
  for (const Row& row : {
           Row{{"key", "show", secret}, "key show", key_rule},
           Row{{"--json", "key", "show", secret}, "key show", key_rule},
           Row{{"key", "update", secret, "-d", "x"}, "key update", key_rule},
           Row{{"key", "enable", secret}, "key enable", key_rule},
           Row{{"key", "disable", secret}, "key disable", key_rule},
           Row{{"key", "delete", secret}, "key delete", key_rule},
           Row{{"key", "delete", secret, "--yes", "--if-exists"}, "key delete", key_rule},
           Row{{"key", "roll", secret, "--yes"}, "key roll", key_rule},
           Row{{"key", "check", secret, "--model", "gpt-4o"}, "key check", key_rule},
           Row{{"key", "rule", "list", secret}, "key rule list", key_rule},
           Row{{"key", "rule", "add", secret, "--deny-paid"}, "key rule add", key_rule},
           Row{{"key", "rule", "clear", secret}, "key rule clear", key_rule},
           Row{{"key", "rule", "rm", id, secret}, "key rule delete",
               refusal("rule ids start with 'rule_'")},
           Row{{"usage", "--key", secret}, "usage", key_rule},
           Row{{"logs", "--key", secret}, "logs", key_rule},
           Row{{"model", "rm", secret}, "model delete",
               refusal("model ids are names such as 'gpt-4o'")},
           Row{{"model", "add", secret, "--provider", "openai", "--input-price", "1",
                "--output-price", "1"},
               "model add", refusal("model ids are names such as 'gpt-4o'")},
           Row{{"provider", "set", secret, "--base-url", "http://127.0.0.1:9/v1"}, "provider set",
               refusal("provider ids are names such as 'openai'")},
       }) {
    CAPTURE(row.args.front() + " " + row.args[1]);
    test::Outcome o = outcome_of(db.path, row.args);
    CHECK(o.out.find(body) == std::string::npos);
    CHECK(o.err.find(body) == std::string::npos);
    CHECK(o == refused(2, row.message + "\nsee 'llmgw " + row.command + " --help'"));
  }
}

TEST_CASE("cli: a secret in any other error is redacted") {
  test::TestDatabase db;
  std::string secret = test::create_key(db.path, {"-d", "ci pipeline"})["secret"];
  CHECK(outcome_of(db.path, {"key", secret}) ==
        refused(2, "unknown command '[redacted]'\nsee 'llmgw key --help'"));
  CHECK(outcome_of(db.path, {"key", "show", "key_aaaaaaaaaaaa", secret}) ==
        refused(2, "unexpected argument '[redacted]'\nsee 'llmgw key show --help'"));
}

TEST_CASE("cli: a secret, or half of one, anywhere on the command line is refused before "
          "anything runs") {
  test::TestDatabase db;
  nlohmann::json key = test::create_key(db.path, {"-d", "ci pipeline"});
  const std::string id = key["id"];
  const std::string secret = key["secret"];
  const std::string half = secret.substr(0, llmgw::k_secret_prefix.size() + 20);
  const std::string message =
      "an argument holds what looks like a key's secret; secrets are never taken from the "
      "command line (it was not stored or printed)";
  const std::string folder = db.path.substr(0, db.path.rfind('/'));
  struct Row {
    std::vector<std::string> args;
    std::string command;  // whose --help the error points to
  };
  for (const Row& row : {
           Row{{"key", "create", "-d", secret}, "key create"},
           Row{{"key", "create", "-d", "rotated from " + half}, "key create"},
           Row{{"key", "create", "--dry-run", "--description=" + secret}, "key create"},
           Row{{"key", "update", id, "-d", secret}, "key update"},
           Row{{"key", "rule", "add", id, "--force", "--allow-model", "gpt-4o," + secret},
               "key rule add"},
           Row{{"backup", folder + "/" + secret}, "backup"},
           Row{{"catalog", "import", folder + "/" + secret + ".json"}, "catalog import"},
           Row{{"serve", "--threads", secret}, "serve"},
       }) {
    CAPTURE(row.args);
    test::Outcome o = outcome_of(db.path, row.args);
    CHECK(o.out.find(half) == std::string::npos);
    CHECK(o.err.find(half) == std::string::npos);
    CHECK(o == refused(2, message + "\nsee 'llmgw " + row.command + " --help'"));
  }
  // A key's display prefix (its first 12 characters) is no secret: a description may
  // name the key it replaces.
  const std::string prefix = secret.substr(0, 12);
  CHECK(test::llmgw(db.path, {"key", "create", "-d", "replaces " + prefix}).exit_code == 0);
}
