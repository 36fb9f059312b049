#pragma once
// A database for the IAM CLI tests with a catalog of its own: providers lab and lab2 and
// models whose prices the tests set, so they do not depend on the built-in prices.
//   lab-chat  lab 1/2, lab2 0.5/1, echo free
//   lab-paid  lab 3/6
#include "tests/support/cli_outcome.h"

#include <doctest/doctest.h>

#include <regex>
#include <string>
#include <vector>

namespace test {

// Runs `llmgw --db <db> <args...>`, requires exit 0 and returns stdout.
inline std::string run_ok(const std::string& db, const std::vector<std::string>& args) {
  Result r = llmgw(db, args);
  INFO("llmgw stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

// The element of a JSON array whose "id" is `id`; null when there is none.
inline nlohmann::json by_id(const nlohmann::json& array, const std::string& id) {
  for (const nlohmann::json& item : array) {
    if (item.value("id", "") == id) {
      return item;
    }
  }
  return nullptr;
}

// Whether a whole line of `text` matches the regular expression `line`.
inline bool has_line(const std::string& text, const std::string& line) {
  return std::regex_search(text, std::regex("(^|\n)" + line + "\n"));
}

// `text` with key ids, rule ids and times replaced by <key>, <rule> and <time>.
inline std::string masked(const std::string& text) {
  std::string out = std::regex_replace(text, std::regex("key_[a-z2-7]{12}"), "<key>");
  out = std::regex_replace(out, std::regex("rule_[a-z2-7]{12}"), "<rule>");
  return std::regex_replace(out, std::regex(k_time_pattern), "<time>");
}

struct LabDatabase : TestDatabase {
  LabDatabase() {
    run_ok(path,
           {"provider", "set", "lab", "--name", "Lab", "--base-url", "http://127.0.0.1:9/v1"});
    run_ok(path, {"provider", "set", "lab2", "--base-url", "http://127.0.0.1:10/v1",
                  "--api-key-env", "LAB2_KEY"});
    for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
             {"lab-chat", "--provider", "lab", "--input-price", "1", "--output-price", "2"},
             {"lab-chat", "--provider", "lab2", "--input-price", "0.5", "--output-price", "1"},
             {"lab-chat", "--provider", "echo", "--input-price", "0", "--output-price", "0"},
             {"lab-paid", "--provider", "lab", "--input-price", "3", "--output-price", "6"}}) {
      args.insert(args.begin(), {"model", "add"});
      run_ok(path, args);
    }
  }

  // A key created with `flags`; its id.
  std::string key(const std::vector<std::string>& flags = {}) {
    std::vector<std::string> args = {"-d", "iam test"};
    args.insert(args.end(), flags.begin(), flags.end());
    std::string id = create_key(path, args).value("id", "");
    REQUIRE(!id.empty());
    return id;
  }
};

}  // namespace test
