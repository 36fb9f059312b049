#pragma once
// Running the real `llmgw` in a test and judging what it did as one value: exit code,
// stdout, stderr, and whether the database changed.
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace test {

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
  bool database_changed = false;

  bool operator==(const Outcome& o) const {
    return exit_code == o.exit_code && out == o.out && err == o.err &&
           database_changed == o.database_changed;
  }
};

// Prints the outcome with anything shaped like a key secret masked, so that a failing
// test never shows one.
std::ostream& operator<<(std::ostream& out, const Outcome& outcome);

// Runs `llmgw --db <db> <args...>` and compares the database dump before and after.
Outcome outcome_of(const std::string& db, const std::vector<std::string>& args,
                   const RunOptions& options = {});

// What a refused command does: `exit_code`, nothing on stdout, exactly
// "llmgw: error: <message>" on stderr, and the database untouched.
Outcome refused(int exit_code, const std::string& message);

// `text` with every "llmgtwy_" + 40 characters replaced by "llmgtwy_<secret>".
std::string mask_secrets(std::string text);

bool matches(const std::string& text, const std::string& pattern);

// Parses a whole stdout as one JSON document; a parse failure yields the string
// "<not JSON>" so that the comparison that follows fails and shows it.
nlohmann::json parse_json(const std::string& text);

// Runs `llmgw --db <db> --json key create <args...>` and returns its document, secret
// included; the document is null when the command failed.
nlohmann::json create_key(const std::string& db, const std::vector<std::string>& args);

// A key document with its volatile fields checked by pattern and replaced by
// placeholders: id "<id>", prefix "<prefix>", secret "<secret>" (which must begin with
// the prefix), created_at and updated_at "<time>". A field that fails its pattern is
// left as it is (a secret becomes "<malformed secret>"), so the comparison shows it.
nlohmann::json normalized(nlohmann::json key);

// Sets one column of one key row directly, as time passing or the daemon would: an
// expiry in the past, usage spent. Fails the test unless exactly one row changed.
void set_key_column(const std::string& db, const std::string& id, const std::string& column,
                    std::int64_t value);

// A database made by `llmgw init` in a fresh temporary folder.
struct TestDatabase {
  TestDatabase();
  TempDir dir;
  std::string path;
};

// The ISO-8601 pattern of times llmgw prints: "2026-11-27T06:50:24Z" or "...24.120Z".
extern const char* const k_time_pattern;

}  // namespace test
