// The listening socket of `llmgw serve`: its own port, room for bursts of connections, and
// a shortage of file descriptors outlived.
#include "tests/gateway/gateway_fixture.h"
#include "tests/support/daemon_log.h"
#include "tests/support/process.h"
#include "tests/support/raw_client.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <thread>

#include <signal.h>
#include <sys/resource.h>

using namespace test;

TEST_CASE("a second daemon on a port already served fails to start, saying why in a line "
          "and in an event") {
  GatewayUnderTest gw;
  gw.start();
  RunOptions options;
  options.timeout_seconds = 5;  // a daemon that did bind is killed here, failing the test
  const std::string address = "127.0.0.1:" + std::to_string(gw.port());
  Result second = llmgw(gw.db(), {"serve", "--listen", address}, options);
  CHECK(second.exit_code == 1);
  CHECK(with_times_masked(second.err) ==
        R"({"time":"T","level":"error","event":"startup_failed","reason":"cannot listen on )" +
            address + ": Address already in use\"}\n" + "llmgw: error: cannot listen on " +
            address + ": Address already in use\n");
}

TEST_CASE("serve refuses to start on a --ca-file it cannot read, or that holds no certificate") {
  GatewayUnderTest gw;
  RunOptions options;
  options.timeout_seconds = 5;  // a daemon that did start is killed here, failing the test
  const std::string missing = gw.db() + ".missing.pem";
  Result run = llmgw(gw.db(), {"serve", "--listen", "127.0.0.1:0", "--ca-file", missing}, options);
  CHECK(run.exit_code == 1);
  const std::string reason = "cannot read --ca-file '" + missing + "': No such file or directory";
  CHECK(with_times_masked(run.err) ==
        R"({"time":"T","level":"error","event":"startup_failed","reason":")" + reason +
            "\"}\nllmgw: error: " + reason + "\n");

  const std::string not_pem = gw.db() + ".txt";
  std::ofstream(not_pem) << "not a certificate\n";
  run = llmgw(gw.db(), {"serve", "--listen", "127.0.0.1:0", "--ca-file", not_pem}, options);
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("\nllmgw: error: --ca-file '" + not_pem + "' holds no PEM certificate\n") !=
        std::string::npos);
}

TEST_CASE("serve options come from LLMGW_* variables, and a flag wins over its variable") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.environment["LLMGW_MAX_BODY"] = "1K";
  gw.start();
  const nlohmann::json big = chat_request("echo", std::string(2048, 'x'));
  CHECK(gw.chat(key, big).status == 413);

  gw.restart({"--max-body", "1M"});
  CHECK(gw.chat(key, big).status == 200);

  // The daemon above holds its port: a variable naming it is taken, a flag overrides it.
  RunOptions options;
  options.timeout_seconds = 5;  // a daemon that did start is killed here, failing the test
  const std::string address = "127.0.0.1:" + std::to_string(gw.port());
  options.env["LLMGW_LISTEN"] = address;
  Result run = llmgw(gw.db(), {"serve"}, options);
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("\nllmgw: error: cannot listen on " + address +
                     ": Address already in use\n") != std::string::npos);
  DaemonProcess flagged(gw.db(), {}, {{"LLMGW_LISTEN", address}});  // --listen 127.0.0.1:0
  CHECK(flagged.port() != gw.port());
}

const std::string k_see_help = "see 'llmgw serve --help'\n";

TEST_CASE("an invalid LLMGW_* value stops serve before it starts, naming the variable") {
  GatewayUnderTest gw;
  RunOptions options;
  options.timeout_seconds = 5;  // a daemon that did start is killed here, failing the test
  auto serve_with = [&](const std::string& variable, const std::string& value) {
    options.env = {{variable, value}};
    Result run = llmgw(gw.db(), {"serve", "--listen", "127.0.0.1:0"}, options);
    return std::to_string(run.exit_code) + " " + run.err;
  };
  CHECK(serve_with("LLMGW_THREADS", "0") ==
        "2 llmgw: error: invalid LLMGW_THREADS '0': expected a whole number from 1 to 16384\n" +
            k_see_help);
  CHECK(serve_with("LLMGW_DRAIN_TIMEOUT", "soon") ==
        "2 llmgw: error: invalid LLMGW_DRAIN_TIMEOUT 'soon': expected a duration such as "
        "500ms, 90m, 12h, 30d or 2w\n" +
            k_see_help);
  CHECK(serve_with("LLMGW_ERROR_FORMAT", "xml") ==
        "2 llmgw: error: invalid LLMGW_ERROR_FORMAT 'xml': expected auto, reference or openai\n" +
            k_see_help);
  CHECK(serve_with("LLMGW_TRUSTED_PROXY", "127.0.0.1, 10.1.2.3/8") ==
        "2 llmgw: error: invalid LLMGW_TRUSTED_PROXY: invalid network '10.1.2.3/8': bits are set "
        "after the /8 prefix (did you mean 10.0.0.0/8?)\n" +
            k_see_help);
  // The flag's own value is what is wrong, and what is named, when both are given.
  options.env = {{"LLMGW_THREADS", "8"}};
  Result run = llmgw(gw.db(), {"serve", "--listen", "127.0.0.1:0", "--threads", "0"}, options);
  CHECK(run.exit_code == 2);
  CHECK(run.err ==
        "llmgw: error: invalid --threads '0': expected a whole number from 1 to 16384\n" +
            k_see_help);
}

TEST_CASE("a --trusted-proxy that is not a network stops serve before it starts, with the "
          "form expected") {
  GatewayUnderTest gw;
  RunOptions options;
  options.timeout_seconds = 5;  // a daemon that did start is killed here, failing the test
  Result run = llmgw(gw.db(), {"serve", "--listen", "127.0.0.1:0", "--trusted-proxy",
                               "127.0.0.1", "--trusted-proxy", "10.1.2.3/8"},
                     options);
  CHECK(run.exit_code == 2);
  CHECK(run.err == "llmgw: error: invalid network '10.1.2.3/8': bits are set after the /8 prefix "
                   "(did you mean 10.0.0.0/8?)\n" +
                       k_see_help);
}

TEST_CASE("a burst of 200 connections at once is served, none reset") {
  GatewayUnderTest gw;
  gw.start();
  constexpr int k_clients = 200;
  std::vector<int> statuses(k_clients, 0);
  std::vector<std::thread> clients;
  for (int i = 0; i < k_clients; ++i) {
    clients.emplace_back([&gw, &statuses, i] { statuses[i] = gw.get("/healthz", {}).status; });
  }
  for (auto& client : clients) {
    client.join();
  }
  CHECK(std::count(statuses.begin(), statuses.end(), 200) == k_clients);
}

TEST_CASE("out of file descriptors, the daemon keeps its listener and serves again once connections end") {
  GatewayUnderTest gw;
  gw.start();
  const pid_t pid = gw.daemon().pid();
  const std::string fds = "/proc/" + std::to_string(pid) + "/fd";
  auto open_fds = [&fds] {
    auto entries = std::filesystem::directory_iterator(fds);
    return static_cast<rlim_t>(std::distance(begin(entries), end(entries)));
  };
  REQUIRE(gw.get("/healthz", {}).status == 200);
  rlimit limit{};
  REQUIRE(::prlimit(pid, RLIMIT_NOFILE, nullptr, &limit) == 0);
  rlimit low = limit;
  low.rlim_cur = open_fds() + 4;
  REQUIRE(::prlimit(pid, RLIMIT_NOFILE, &low, nullptr) == 0);
  // More connections than descriptors are left: the rest wait in the listen backlog.
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 12; ++i) {
    idle.push_back(std::make_unique<RawClient>(gw.port()));
    REQUIRE(idle.back()->connected());
  }
  CHECK(eventually([&] { return open_fds() >= low.rlim_cur; }));
  idle.clear();  // their connections end, and with them the shortage
  RawClient client(gw.port());
  REQUIRE(client.send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n"));
  RawReading reading = client.read_response();
  CHECK(reading.bytes.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(::kill(pid, 0) == 0);
  CHECK(gw.daemon().stderr_text().find("accept_failed") == std::string::npos);
  REQUIRE(::prlimit(pid, RLIMIT_NOFILE, &limit, nullptr) == 0);
}

TEST_CASE("the daemon's threads are named after their work, one thread of fibers per CPU") {
  GatewayUnderTest gw;
  gw.start();
  const std::string tasks = "/proc/" + std::to_string(gw.daemon().pid()) + "/task";
  auto thread_names = [&tasks] {
    std::map<std::string, int> names;
    for (const auto& task : std::filesystem::directory_iterator(tasks)) {
      std::ifstream comm(task.path() / "comm");
      std::string name;
      std::getline(comm, name);
      ++names[name];
    }
    return names;
  };
  const int cpus = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const std::map<std::string, int> expected{
      {"llmgw", 1}, {"llmgw-commit", 1}, {"llmgw-fibers", cpus}, {"llmgw-signals", 1}};
  // Each thread names itself once it runs, which on a busy machine can be after the
  // daemon accepts connections.
  eventually([&] { return thread_names() == expected; });
  CHECK(thread_names() == expected);
}
