#include "tests/support/cli_outcome.h"

#include "tests/support/db_dump.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <regex>

namespace test {

const char* const k_time_pattern = R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z)";

std::string mask_secrets(std::string text) {
  static const std::regex k_secret("llmgtwy_[0-9A-Za-z]{40}");
  return std::regex_replace(text, k_secret, "llmgtwy_<secret>");
}

std::ostream& operator<<(std::ostream& out, const Outcome& outcome) {
  return out << "{exit " << outcome.exit_code << ", stdout \"" << mask_secrets(outcome.out)
             << "\", stderr \"" << mask_secrets(outcome.err) << "\", database "
             << (outcome.database_changed ? "changed" : "unchanged") << "}";
}

Outcome outcome_of(const std::string& db, const std::vector<std::string>& args,
                   const RunOptions& options) {
  std::string before = dump_database(db);
  Result result = llmgw(db, args, options);
  return {result.exit_code, result.out, result.err, dump_database(db) != before};
}

Outcome refused(int exit_code, const std::string& message) {
  return {exit_code, "", "llmgw: error: " + message + "\n", false};
}

bool matches(const std::string& text, const std::string& pattern) {
  return std::regex_match(text, std::regex(pattern));
}

nlohmann::json parse_json(const std::string& text) {
  nlohmann::json document = nlohmann::json::parse(text, nullptr, false);
  return document.is_discarded() ? nlohmann::json("<not JSON>") : document;
}

nlohmann::json create_key(const std::string& db, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"--json", "key", "create"};
  argv.insert(argv.end(), args.begin(), args.end());
  Result result = llmgw(db, argv);
  return result.exit_code == 0 ? parse_json(result.out) : nlohmann::json(nullptr);
}

nlohmann::json normalized(nlohmann::json key) {
  if (!key.is_object()) {
    return key;
  }
  auto replace_if = [&key](const char* field, const std::string& pattern, const char* with) {
    if (key.contains(field) && key[field].is_string() &&
        matches(key[field].get<std::string>(), pattern)) {
      key[field] = with;
    }
  };
  if (key.contains("secret")) {
    bool good = key["secret"].is_string() && key["prefix"].is_string() &&
                matches(key["secret"].get<std::string>(), "llmgtwy_[0-9A-Za-z]{40}") &&
                key["secret"].get<std::string>().rfind(key["prefix"].get<std::string>(), 0) == 0;
    key["secret"] = good ? "<secret>" : "<malformed secret>";
  }
  replace_if("id", "key_[a-z2-7]{12}", "<id>");
  replace_if("prefix", "llmgtwy_[0-9A-Za-z]{4}", "<prefix>");
  replace_if("created_at", k_time_pattern, "<time>");
  replace_if("updated_at", k_time_pattern, "<time>");
  return key;
}

void set_key_column(const std::string& db, const std::string& id, const std::string& column,
                    std::int64_t value) {
  SQLite::Database connection(db, SQLite::OPEN_READWRITE);
  connection.setBusyTimeout(5000);
  SQLite::Statement update(connection, "UPDATE api_keys SET " + column + " = ? WHERE id = ?");
  update.bind(1, value);
  update.bind(2, id);
  REQUIRE(update.exec() == 1);
}

TestDatabase::TestDatabase() : path(dir.file("llmgw.db")) {
  Result init = llmgw(path, {"init"});
  REQUIRE(init.exit_code == 0);
}

}  // namespace test
