// Two processes, one file: the daemon commits usage under load while the CLI changes keys
// and rules in the same database. Nobody sees "database is locked": every CLI command
// exits 0, every request is answered with 200 (or 401 while the CLI has its key disabled),
// the daemon logs no lock error, and the log and the usage agree afterwards.
// bench/two_process.sh does the same with wrk and 1,000 commands.
#include "tests/support/cli_mutations.h"
#include "tests/support/cli_outcome.h"
#include "tests/support/daemon_process.h"
#include "tests/support/echo_load.h"
#include "tests/support/ledger_audit.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <regex>
#include <set>
#include <sstream>

using namespace test;

namespace {

constexpr int k_cli_commands = 150;
constexpr int k_client_threads = 4;
constexpr std::size_t k_max_requests_per_client = 20000;

// "locked" or "busy" as a word (request ids are random letters and digits, and may hold
// them), except in the daemon's `"busy":0` of a checkpoint that found nothing in its way.
bool mentions_lock(const std::string& text) {
  static const std::regex checkpoint_not_busy(R"("busy":0)");
  static const std::regex lock(R"(\b(locked|busy)\b)", std::regex::icase);
  return std::regex_search(std::regex_replace(text, checkpoint_not_busy, ""), lock);
}

// The lines of `text` that mention a lock, each ending in a newline.
std::string lock_lines(const std::string& text) {
  std::istringstream in(text);
  std::string found;
  for (std::string line; std::getline(in, line);) {
    if (mentions_lock(line)) {
      found += line + "\n";
    }
  }
  return found;
}

}  // namespace

TEST_CASE("two processes, one file: CLI changes during load meet no lock error anywhere") {
  TempDir dir;
  const std::string db = dir.file("llmgw.db");
  init_metered_echo_database(db);
  std::vector<std::string> key_ids;
  std::vector<std::string> secrets;
  for (int i = 0; i < 3; ++i) {
    nlohmann::json key = create_key(db, {"-d", "under load", "--period-limit", "1000",
                                         "--period", "1d"});
    REQUIRE(key.is_object());
    key_ids.push_back(key["id"]);
    secrets.push_back(key["secret"]);
  }

  DaemonProcess daemon(db);
  EchoLoad load(daemon.port(), secrets, k_metered_echo, k_client_threads, 7, k_max_requests_per_client);
  CliMutations mutations(key_ids, 7);
  int cli_failures = 0;
  for (int i = 0; i < k_cli_commands; ++i) {
    std::vector<std::string> args = mutations.next();
    Result result = llmgw(db, args);
    INFO("command ", i, " stderr: ", mask_secrets(result.err));
    CHECK(result.exit_code == 0);
    CHECK_FALSE(mentions_lock(result.err));
    cli_failures += result.exit_code == 0 ? 0 : 1;
    mutations.learn(args, result);
  }
  // Every key enabled again, so that the last requests are answered 200.
  for (const std::string& id : key_ids) {
    REQUIRE(llmgw(db, {"key", "enable", id}).exit_code == 0);
  }
  LoadTally tally = load.stop();
  CHECK(daemon.stop(SIGTERM) == 0);

  std::set<int> statuses;
  for (const auto& [status, count] : tally.statuses) {
    statuses.insert(status);
  }
  CHECK(statuses.count(200) == 1);
  CHECK(std::includes(std::set<int>{200, 401}.begin(), std::set<int>{200, 401}.end(),
                      statuses.begin(), statuses.end()));
  for (const std::string& failure : tally.failures) {
    INFO(failure);
    CHECK_FALSE(mentions_lock(failure));
  }
  CHECK(lock_lines(daemon.stderr_text()) == "");
  CHECK(ledger_violations(db) == "");
  CHECK(missing_log_rows(db, tally.answered_ids).size() == 0);
  MESSAGE("two processes: CLI commands ", k_cli_commands, " (failed ", cli_failures,
          "), requests answered 200 ", tally.answered_ids.size(), ", 401 (key disabled) ",
          tally.statuses[401], ", other ",
          tally.failures.size() - tally.statuses[401]);
}
