// llmgw logs: the newest rows as a table or as JSON lines, filters, and --follow.
#include "core/timestamp.h"
#include "tests/support/background_process.h"
#include "tests/support/cli_outcome.h"
#include "tests/support/logged_requests.h"
#include "tests/support/terminal.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include <unistd.h>

using test::Outcome;
using test::outcome_of;
using test::refused;
using test::request;

namespace {

struct LogsDatabase : test::TestDatabase {
  std::string a = test::create_key(path, {"-d", "a"})["id"].get<std::string>();
  std::string b = test::create_key(path, {"-d", "b"})["id"].get<std::string>();

  LogsDatabase() {
    test::log_requests(
        path, {request(a, "2026-11-27T10:00:00Z", "gpt-4o", "openai", 200, 100, 10, 5, "0.001"),
               request(b, "2026-11-27T10:01:00.250Z", "o3", "", 403),
               request(a, "2026-11-27T10:02:00Z", "claude", "anthropic", 500, 300)});
  }
};

// Two more rows, each with the endpoint it came to.
struct EndpointsDatabase : LogsDatabase {
  EndpointsDatabase() {
    llmgw::UsageRecord chat = request(a, "2026-11-27T10:03:00Z", "gpt-4o", "openai");
    chat.endpoint = "/v1/chat/completions";
    llmgw::UsageRecord responses = request(b, "2026-11-27T10:04:00Z", "gpt-4o", "openai");
    responses.endpoint = "/v1/responses";
    test::log_requests(path, {chat, responses});
  }
};

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    out.push_back(text.substr(start, end - start));
  }
  return out;
}

std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// The "id" of each JSON line of `out`: "2 3 4 ".
std::string ids_of(const std::string& out) {
  std::string ids;
  for (const auto& line : split_lines(out)) {
    ids += test::parse_json(line)["id"].dump() + " ";
  }
  return ids;
}

// The CPU time a process has used so far, user and system, from /proc/<pid>/stat.
std::chrono::milliseconds cpu_time(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // The fields after the command name, which ends with the last ')': state is field 3, utime
  // field 14 and stime field 15.
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  long ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) {
      ticks += std::stol(field);
    }
  }
  return std::chrono::milliseconds(ticks * 1000 / sysconf(_SC_CLK_TCK));
}

}  // namespace

TEST_CASE("cli: logs prints the newest rows first, in columns on a terminal") {
  LogsDatabase db;
  std::string header =
      "TIME                      KEY               MODEL                     PROVIDER    "
      "STATUS  PROMPT    COMPLETION  CACHED    COST            LATENCY   ERROR\n";
  test::Result shown = test::on_terminal(db.path, {"logs"});
  CHECK(shown.exit_code == 0);
  CHECK(shown.out ==
                header +
                    fmt::format(
                        "2026-11-27T10:02:00Z      {}  claude                    anthropic   "
                        "500     300       0           0         $0              100ms     "
                        "error_500\n"
                        "2026-11-27T10:01:00.250Z  {}  o3                        -           "
                        "403     0         0           0         $0              100ms     "
                        "error_403\n"
                        "2026-11-27T10:00:00Z      {}  gpt-4o                    openai      "
                        "200     100       10          5         $0.001          100ms     -\n",
                        db.a, db.b, db.a));
}

TEST_CASE("cli: without a terminal, logs prints tab-separated rows") {
  LogsDatabase db;
  CHECK(outcome_of(db.path, {"logs", "--limit", "1"}).out ==
        "TIME\tKEY\tMODEL\tPROVIDER\tSTATUS\tPROMPT\tCOMPLETION\tCACHED\tCOST\tLATENCY\tERROR\n" +
            fmt::format("2026-11-27T10:02:00Z\t{}\tclaude\tanthropic\t500\t300\t0\t0\t$0\t100ms\t"
                        "error_500\n",
                        db.a));
}

TEST_CASE("cli: logs --json prints one JSON object per line") {
  LogsDatabase db;
  CHECK(outcome_of(db.path, {"--json", "logs", "--key", db.b}) ==
        Outcome{0,
                fmt::format(
                    R"({{"cache_write_1h_tokens":0,"cache_write_5m_tokens":0,"cached_tokens":0,)"
                    R"("cancelled":false,"client_address":null,"completion_tokens":0,"cost":"0","endpoint":null,)"
                    R"("error_code":"error_403","estimated":false,"id":2,"key_id":"{}",)"
                    R"("latency_ms":100,"prompt_tokens":0,"provider":null,"reasoning_tokens":0,)"
                    R"("request_id":"req_1795773660250","requested_model":"o3",)"
                    R"("response_id":null,"served_model":null,"status":403,"streamed":false,)"
                    R"("time":"2026-11-27T10:01:00.250Z","ttft_ms":null}})"
                    "\n",
                    db.b),
                "", false});
}

TEST_CASE("cli: logs filters by model and by status") {
  LogsDatabase db;
  auto ids = [&](const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"--json", "logs"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string out;
    for (const auto& line : split_lines(test::llmgw(db.path, argv).out)) {
      out += test::parse_json(line)["id"].dump() + " ";
    }
    return out;
  };
  CHECK(ids({}) == "3 2 1 ");
  CHECK(ids({"--model", "gpt-4o"}) == "1 ");
  CHECK(ids({"--status", "500"}) == "3 ");
  CHECK(ids({"--key", db.a, "--status", "200"}) == "1 ");
  CHECK(ids({"--status", "404"}) == "");
}

TEST_CASE("cli: logs filters by the endpoint a request came to, and refuses another path") {
  EndpointsDatabase db;
  auto ids = [&](const std::string& endpoint) {
    std::string out;
    for (const auto& line :
         split_lines(test::llmgw(db.path, {"--json", "logs", "--endpoint", endpoint}).out)) {
      const nlohmann::json row = test::parse_json(line);
      CHECK(row["endpoint"] == endpoint);
      out += row["id"].dump() + " ";
    }
    return out;
  };
  CHECK(ids("/v1/responses") == "5 ");
  CHECK(ids("/v1/chat/completions") == "4 ");
  CHECK(ids("/v1/messages") == "");
  CHECK(outcome_of(db.path, {"logs", "--endpoint", "responses"}) ==
        refused(2, "invalid --endpoint 'responses': expected /v1/chat/completions, "
                   "/v1/embeddings, /v1/messages or /v1/responses\nsee 'llmgw logs --help'"));
}

TEST_CASE("cli: logs refuses a bad --limit and a bad --status") {
  LogsDatabase db;
  CHECK(outcome_of(db.path, {"logs", "--limit", "0"}) ==
        refused(2, "invalid --limit '0': expected a whole number from 1 to 100000\n"
                   "see 'llmgw logs --help'"));
  CHECK(outcome_of(db.path, {"logs", "--limit", "ten"}) ==
        refused(2, "invalid --limit 'ten': expected a whole number from 1 to 100000\n"
                   "see 'llmgw logs --help'"));
  CHECK(outcome_of(db.path, {"logs", "--status", "99"}) ==
        refused(2, "invalid --status '99': expected a whole number from 100 to 599\n"
                   "see 'llmgw logs --help'"));
}

TEST_CASE("cli: logs of an unknown key is not found") {
  LogsDatabase db;
  CHECK(outcome_of(db.path, {"logs", "--key", "key_aaaaaaaaaaaa"}) ==
        refused(3, "key 'key_aaaaaaaaaaaa' not found"));
}

TEST_CASE("cli: logs --follow prints rows committed meanwhile, and SIGINT ends it with 130") {
  LogsDatabase db;
  test::BackgroundProcess follow(
      test::llmgw_argv(db.path, {"--json", "logs", "--follow", "--limit", "2"}));
  REQUIRE(follow.wait_for_output([](const std::string& out) { return lines(out) == 2; }));
  test::log_requests(db.path, {request(db.b, "2026-11-27T11:00:00Z", "m", "p"),
                               request(db.a, "2026-11-27T11:00:01Z", "m", "p")});
  test::log_requests(db.path, {request(db.a, "2026-11-27T11:00:02Z", "m", "p")});
  REQUIRE(follow.wait_for_output([](const std::string& out) { return lines(out) == 5; }));
  CHECK(follow.stop(SIGINT) == 130);
  CHECK(ids_of(follow.out()) == "2 3 4 5 6 ");  // the last two oldest first, then each new row
  CHECK(follow.err() == "");
}

TEST_CASE("cli: logs --follow applies its filters to new rows, and SIGTERM ends it with 0") {
  LogsDatabase db;
  test::BackgroundProcess follow(test::llmgw_argv(db.path, {"logs", "--follow", "--key", db.b}));
  REQUIRE(follow.wait_for_output([](const std::string& out) { return lines(out) == 2; }));
  test::log_requests(db.path, {request(db.a, "2026-11-27T11:00:00Z", "skipped", "p"),
                               request(db.b, "2026-11-27T11:00:01Z", "shown", "p")});
  REQUIRE(follow.wait_for_output([](const std::string& out) { return lines(out) == 3; }));
  CHECK(follow.stop(SIGTERM) == 0);
  std::vector<std::string> out = split_lines(follow.out());
  REQUIRE(out.size() == 3);
  CHECK(out[0].rfind("TIME\t", 0) == 0);
  CHECK(out[1].find("\to3\t") != std::string::npos);
  CHECK(out[2].find("\tshown\t") != std::string::npos);
}

TEST_CASE("cli: logs -n is --limit and -f is --follow") {
  LogsDatabase db;
  CHECK(outcome_of(db.path, {"--json", "logs", "-n", "1"}) ==
        outcome_of(db.path, {"--json", "logs", "--limit", "1"}));
  CHECK(outcome_of(db.path, {"logs", "-n", "0"}) ==
        refused(2, "invalid --limit '0': expected a whole number from 1 to 100000\n"
                   "see 'llmgw logs --help'"));
  test::BackgroundProcess follow(test::llmgw_argv(db.path, {"--json", "logs", "-f", "-n", "1"}));
  REQUIRE(follow.wait_for_output([](const std::string& out) { return lines(out) == 1; }));
  test::log_requests(db.path, {request(db.b, "2026-11-27T11:00:00Z", "m", "p")});
  REQUIRE(follow.wait_for_output([](const std::string& out) { return lines(out) == 2; }));
  CHECK(follow.stop(SIGINT) == 130);
  CHECK(ids_of(follow.out()) == "3 4 ");
}

TEST_CASE("cli: logs --since shows only requests from that time on") {
  LogsDatabase db;
  llmgw::Timestamp now = llmgw::SystemClock().now();
  test::log_requests(db.path,
                     {request(db.a, llmgw::format_iso(now - 2 * llmgw::k_ms_per_hour), "old", "p"),
                      request(db.b, llmgw::format_iso(now - 10 * 60 * 1000), "recent", "p")});
  auto models = [&](const std::vector<std::string>& since) {
    std::vector<std::string> args = {"--json", "logs"};
    args.insert(args.end(), since.begin(), since.end());
    test::Result r = test::llmgw(db.path, args);
    CHECK(r.exit_code == 0);
    std::string out;
    for (const auto& line : split_lines(r.out)) {
      out += test::parse_json(line)["requested_model"].get<std::string>() + " ";
    }
    return out;
  };
  CHECK(models({"--since", "1h"}) == "recent ");
  CHECK(models({"--since", "3h"}) == "recent old ");
  // Inclusive, to the millisecond.
  CHECK(models({"--since", "2026-11-27T10:01:00.250Z"}) == "recent old claude o3 ");
  CHECK(models({"--since", "2026-11-27T10:01:00.251Z"}) == "recent old claude ");
  CHECK(outcome_of(db.path, {"logs", "--since", "yesterday"}) ==
        refused(2, "invalid --since 'yesterday': expected a duration such as 500ms, 90m, 12h, "
                   "30d or 2w\nsee 'llmgw logs --help'"));
}

TEST_CASE("cli: logs --follow sleeps between polls instead of spinning") {
  LogsDatabase db;
  test::BackgroundProcess follow(test::llmgw_argv(db.path, {"logs", "-f"}));
  REQUIRE(follow.wait_for_output([](const std::string& out) { return lines(out) == 4; }));
  std::chrono::milliseconds before = cpu_time(follow.pid());
  std::this_thread::sleep_for(std::chrono::seconds(1));
  // A poll every 200 ms costs a few milliseconds a second; a loop without a pause would
  // take the whole second.
  CHECK(cpu_time(follow.pid()) - before < std::chrono::milliseconds(200));
  CHECK(follow.stop(SIGTERM) == 0);
}
