// `llmgw __complete keys|models|providers`, which the shell completion scripts call.
#include "tests/support/cli_outcome.h"
#include "tests/support/temp_dir.h"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <string>

using test::Outcome;
using test::outcome_of;
using test::refused;

TEST_CASE("cli: __complete keys prints the ids of the keys not deleted, oldest first") {
  test::TestDatabase db;
  std::string first = test::create_key(db.path, {"-d", "first"})["id"];
  std::string gone = test::create_key(db.path, {"-d", "gone"})["id"];
  std::string last = test::create_key(db.path, {"-d", "last"})["id"];
  REQUIRE(test::llmgw(db.path, {"key", "delete", "--yes", gone}).exit_code == 0);
  CHECK(outcome_of(db.path, {"__complete", "keys"}) ==
        Outcome{0, first + "\n" + last + "\n", "", false});
}

TEST_CASE("cli: __complete models and providers print the catalog's ids") {
  test::TestDatabase db;
  REQUIRE(test::llmgw(db.path, {"model", "add", "zz-local", "--provider", "ollama",
                                "--input-price", "0", "--output-price", "0"})
              .exit_code == 0);
  test::Result models = test::llmgw(db.path, {"__complete", "models"});
  CHECK(models.exit_code == 0);
  CHECK(models.out.find("\ngpt-4o\n") != std::string::npos);
  CHECK(models.out.find("\nzz-local\n") != std::string::npos);
  test::Result providers = test::llmgw(db.path, {"__complete", "providers"});
  CHECK(providers.exit_code == 0);
  CHECK(providers.out.find("\nopenai\n") != std::string::npos);
}

TEST_CASE("cli: __complete prints nothing for a missing database and does not create it") {
  test::TempDir dir;
  std::string db = dir.file("absent.db");
  for (const char* what : {"keys", "models", "providers"}) {
    test::Result r = test::llmgw(db, {"__complete", what});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "");
    CHECK(r.err == "");
  }
  struct stat st{};
  CHECK(stat(db.c_str(), &st) != 0);
}

TEST_CASE("cli: __complete refuses what it cannot list") {
  test::TestDatabase db;
  CHECK(outcome_of(db.path, {"__complete", "rules"}) ==
        refused(2, "invalid <what> 'rules': expected one of keys, models, providers\n"
                   "see 'llmgw __complete --help'"));
}

TEST_CASE("cli: __complete is not shown by --help") {
  test::TestDatabase db;
  test::Result r = test::llmgw(db.path, {"--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("__complete") == std::string::npos);
}
