// Crash loop: while clients send requests and an operator changes keys with the CLI, the
// daemon or the CLI is killed with SIGKILL at a random moment. After every restart the
// file is intact, each key's usage is the sum of its log, no reservation survives, and
// every request whose client got a complete 200 answer has its row in the log.
//
// $LLMGW_CRASH_LOOP_ITERATIONS sets the number of iterations (default 20; bench/crash_loop.sh
// runs 200) and $LLMGW_CRASH_LOOP_SEED the seed (default: random, printed on failure).
#include "tests/support/background_process.h"
#include "tests/support/cli_mutations.h"
#include "tests/support/cli_outcome.h"
#include "tests/support/daemon_process.h"
#include "tests/support/echo_load.h"
#include "tests/support/ledger_audit.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <random>
#include <thread>

using namespace test;

namespace {

constexpr int k_client_threads = 3;
constexpr std::size_t k_max_requests_per_client = 2000;

std::uint64_t from_environment(const char* name, std::uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::stoull(value) : fallback;
}

struct LoadKey {
  std::string id;
  std::string secret;
};

// What the whole loop saw, printed at the end.
struct Figures {
  std::uint64_t iterations = 0;
  std::uint64_t daemon_kills = 0;
  std::uint64_t cli_kills = 0;         // commands killed while still running
  std::uint64_t cli_commands = 0;      // run to completion
  std::uint64_t answered = 0;          // complete 200 answers
  std::uint64_t not_answered = 0;      // cut off, refused or never sent
  std::uint64_t other_statuses = 0;    // 401 of a disabled key, 402 over the limit
  std::uint64_t reservations_checked = 0;
};

std::string command_line(const std::vector<std::string>& args) {
  std::string line;
  for (const std::string& a : args) {
    line += " " + a;
  }
  return line;
}

// GET /v1/key for `key` on the restarted daemon: "reserved" must be zero. A key the CLI
// left disabled answers 401 and is not counted.
bool check_no_reservation(int port, const LoadKey& key) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  auto result = client.Get("/v1/key", {{"Authorization", "Bearer " + key.secret}});
  INFO("GET /v1/key: ", result ? "answered" : "no answer: " + httplib::to_string(result.error()));
  REQUIRE(result);
  if (result->status != 200) {
    CHECK(result->status == 401);
    return false;
  }
  nlohmann::json body = nlohmann::json::parse(result->body, nullptr, false);
  REQUIRE(body.is_object());
  CHECK(body["reserved"] == "0");
  return true;
}

}  // namespace

TEST_CASE("crash loop: SIGKILL of the daemon or the CLI loses no answered request and "
          "leaves usage equal to the log") {
  const std::uint64_t iterations = from_environment("LLMGW_CRASH_LOOP_ITERATIONS", 20);
  const std::uint64_t seed = from_environment("LLMGW_CRASH_LOOP_SEED", std::random_device()());
  INFO("seed ", seed, " (set LLMGW_CRASH_LOOP_SEED to replay)");
  std::mt19937_64 random(seed);

  TempDir dir;
  const std::string db = dir.file("llmgw.db");
  init_metered_echo_database(db);
  std::vector<LoadKey> keys;
  for (const auto& limits : std::vector<std::vector<std::string>>{
           {"--period-limit", "1000", "--period", "1d"}, {"--limit", "1000"}, {}}) {
    std::vector<std::string> args = {"-d", "under load"};
    args.insert(args.end(), limits.begin(), limits.end());
    nlohmann::json key = create_key(db, args);
    REQUIRE(key.is_object());
    keys.push_back({key["id"], key["secret"]});
  }
  std::vector<std::string> key_ids;
  std::vector<std::string> secrets;
  for (const LoadKey& key : keys) {
    key_ids.push_back(key.id);
    secrets.push_back(key.secret);
  }

  CliMutations mutations(key_ids, seed);
  std::vector<std::string> answered_ids;
  Figures figures;
  for (std::uint64_t i = 0; i <= iterations; ++i) {
    CAPTURE(i);
    DaemonProcess daemon(db);
    // What the previous iteration left, as the restarted daemon finds it.
    CHECK(ledger_violations(db) == "");
    std::vector<std::string> missing = missing_log_rows(db, answered_ids);
    INFO("answered 200 without a log row: ", missing.size(), " of ", answered_ids.size(),
         missing.empty() ? "" : ", the first " + missing.front());
    CHECK(missing.empty());
    for (const LoadKey& key : keys) {
      figures.reservations_checked += check_no_reservation(daemon.port(), key) ? 1 : 0;
    }
    if (i == iterations) {
      break;
    }

    const bool kill_daemon = random() % 2 == 0;
    const auto kill_at = std::chrono::steady_clock::now() +
                         std::chrono::milliseconds(100 + random() % 400);
    EchoLoad load(daemon.port(), secrets, k_metered_echo, k_client_threads, random(),
                  k_max_requests_per_client);
    std::thread killer;
    if (kill_daemon) {
      killer = std::thread([&daemon, kill_at] {
        std::this_thread::sleep_until(kill_at);
        daemon.stop(SIGKILL);
      });
    }
    // The CLI keeps changing keys until the moment comes (and a little past it when the
    // daemon is the victim, so that commands run across the kill).
    while (std::chrono::steady_clock::now() <
           kill_at + std::chrono::milliseconds(kill_daemon ? 50 : 0)) {
      std::vector<std::string> args = mutations.next();
      Result result = llmgw(db, args);
      INFO("llmgw ", command_line(args), " stderr: ", mask_secrets(result.err));
      CHECK(result.exit_code == 0);
      mutations.learn(args, result);
      ++figures.cli_commands;
    }
    if (kill_daemon) {
      killer.join();
      ++figures.daemon_kills;
    } else {
      BackgroundProcess cli(llmgw_argv(db, mutations.next()));
      std::this_thread::sleep_for(std::chrono::milliseconds(random() % 15));
      if (cli.stop(SIGKILL) == 128 + SIGKILL) {
        ++figures.cli_kills;
      }
    }
    LoadTally tally = load.stop();
    if (!kill_daemon) {
      CHECK(daemon.stop(SIGTERM) == 0);
    }
    answered_ids.insert(answered_ids.end(), tally.answered_ids.begin(), tally.answered_ids.end());
    figures.answered += tally.answered_ids.size();
    for (const auto& [status, count] : tally.statuses) {
      if (status == -1) {
        figures.not_answered += count;
      } else if (status != 200) {
        figures.other_statuses += count;
      }
    }
    ++figures.iterations;
  }

  CHECK(figures.answered > 0);
  CHECK(figures.reservations_checked > 0);
  std::vector<std::string> lost = missing_log_rows(db, answered_ids);
  MESSAGE("crash loop: seed ", seed, ", iterations ", figures.iterations, " (daemon killed ",
          figures.daemon_kills, ", CLI killed mid-command ", figures.cli_kills,
          "), CLI commands completed ", figures.cli_commands, ", requests answered 200 ",
          figures.answered, ", log rows found ", figures.answered - lost.size(), ", lost ",
          lost.size(), ", other answers ", figures.other_statuses, ", unanswered ",
          figures.not_answered, ", reservations checked ", figures.reservations_checked);
}
