#pragma once
// `llmgw doctor`: which database this command would use and why, its schema, whether a
// gateway is running on it, which providers have credentials here, and the packaged
// service's files. Reads only: it never creates, migrates or writes anything.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace llmgw::cli {

// note: worth knowing, nothing wrong. warn: probably not what was meant. fail: commands
// other than `init` and `serve` fail here.
enum class Verdict { ok, note, warn, fail };

struct Finding {
  std::string topic;  // database, schema, gateway, providers, service
  Verdict verdict;
  std::string message;
  std::string fix;  // "" when there is nothing to do
};

struct Diagnosis {
  std::vector<Finding> findings;
  nlohmann::json facts;  // database, providers and service, as `doctor --json` prints them
};

std::string_view to_string(Verdict verdict);

// Throws what locate_database throws (--db "").
Diagnosis diagnose(const std::optional<std::string>& db_flag);

}  // namespace llmgw::cli
