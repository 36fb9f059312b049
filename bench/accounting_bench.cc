// Accounting alone: request threads hand finished requests to the daemon's Accountant
// (admit a reservation, then record and wait: log row and key usage committed in group
// commits by its writer thread, roll-ups every 1,000 rows) as fast as they can, with no
// HTTP and no upstream. Prints committed rows per second and checks that every row landed
// and the key's usage is their exact sum.
//
//   build/bench/llmgw_bench_accounting [threads=16] [seconds=5] [keys=4]
#include "core/key_store.h"
#include "core/money.h"
#include "core/store.h"
#include "daemon/accountant.h"
#include "daemon/key_directory.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

llmgw::UsageRecord record_for(const std::string& key_id, std::uint64_t n) {
  llmgw::UsageRecord r;
  r.request_id = fmt::format("req_bench_{:016x}", n);
  r.time = llmgw::SystemClock().now();
  r.key_id = key_id;
  r.requested_model = "echo";
  r.served_model = "echo";
  r.provider = "echo";
  r.status = 200;
  r.prompt_tokens = 12;
  r.completion_tokens = 7;
  r.cost = llmgw::Money::from_units(19'000'000);  // 19 tokens at $1/1M
  r.latency_ms = 1;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 16;
  const int seconds = argc > 2 ? std::atoi(argv[2]) : 5;
  const int key_count = argc > 3 ? std::atoi(argv[3]) : 4;
  char dir_template[] = "/tmp/llmgw-bench-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string db = dir + "/llmgw.db";

  std::vector<std::string> secrets;
  {
    llmgw::Store store(db);
    llmgw::SystemClock clock;
    llmgw::KeyStore keys(store, clock);
    for (int i = 0; i < key_count; ++i) {
      llmgw::NewKey spec;
      spec.description = fmt::format("bench {}", i);
      spec.usage_limit = llmgw::Money::parse_usd("1000000");
      secrets.push_back(keys.create(spec).secret);
    }
  }
  llmgw::daemon::KeyDirectory directory(db);
  llmgw::daemon::Accountant accountant(db, directory);

  std::atomic<std::uint64_t> next{0};
  const auto deadline = Clock::now() + std::chrono::seconds(seconds);
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      // Like a client connection under closed-loop load (wrk): its next request is on the
      // way as soon as the previous one is answered.
      auto config = directory.find(secrets[t % secrets.size()]);
      do {
        llmgw::UsageRecord r = record_for(config->key.id, next++);
        auto reservation = directory.admit(*config, r.cost, r.time);
        accountant.record(std::move(r), std::move(reservation));
      } while (Clock::now() < deadline);
    });
  }
  for (auto& w : workers) {
    w.join();
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double cpu = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
                     (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  const std::uint64_t total = next.load();

  llmgw::Store store(db);
  const std::int64_t rows = store.db().execAndGet("SELECT count(*) FROM request_log").getInt64();
  const bool exact = store.db()
                         .execAndGet("SELECT (SELECT sum(usage) FROM api_keys) = "
                                     "(SELECT sum(cost) FROM request_log)")
                         .getInt() == 1;
  std::printf("threads %d, keys %d: %llu requests in %.2f s = %.0f logged req/s, CPU %.1f us "
              "per request, %llu group commits (%.1f rows each); rows in request_log %lld; "
              "usage = sum of costs: %s\n",
              threads, key_count, static_cast<unsigned long long>(total), elapsed,
              total / elapsed, cpu * 1e6 / total,
              static_cast<unsigned long long>(accountant.committed_batches()),
              static_cast<double>(total) / accountant.committed_batches(),
              static_cast<long long>(rows), exact ? "yes" : "NO");
  std::filesystem::remove_all(dir);
  return rows == static_cast<std::int64_t>(total) && exact ? 0 : 1;
}
