// A traffic admission decision (daemon/traffic.h) for a key with every limit set, never
// reached: the decision and the finish that frees its slot (target: under 1 us for the
// pair), then the same with the six x-ratelimit-* headers written, as the daemon does.
#include "core/timestamp.h"
#include "daemon/traffic.h"

#include <benchmark/benchmark.h>

#include <string>

namespace {

llmgw::ApiKey limited_key(int index) {
  llmgw::ApiKey key;
  key.id = "key_bench" + std::to_string(1000 + index);
  key.traffic = {1'000'000'000, 1'000'000'000, 1'000'000'000, 1'000'000};
  return key;
}

llmgw::SteadyClock g_clock;
llmgw::daemon::Traffic g_traffic(g_clock);

// Threads share one key (`keys` 1) or each has its own.
void decide_and_finish(benchmark::State& state, int keys) {
  const llmgw::ApiKey key = limited_key(static_cast<int>(state.thread_index()) % keys);
  for (auto _ : state) {
    auto decision = g_traffic.decide(key, 50, llmgw::daemon::Traffic::Take::yes);
    decision.pass.finish(60);
  }
}

void BM_decide_all_limits_one_key(benchmark::State& state) {
  decide_and_finish(state, 1);
}
void BM_decide_all_limits_key_per_thread(benchmark::State& state) {
  decide_and_finish(state, 64);
}
void BM_decide_no_limits(benchmark::State& state) {
  llmgw::ApiKey key;
  key.id = "key_unlimited0";
  for (auto _ : state) {
    g_traffic.decide(key, 50, llmgw::daemon::Traffic::Take::yes).pass.finish(60);
  }
}
void BM_admit_with_headers(benchmark::State& state) {
  const llmgw::ApiKey key = limited_key(0);
  for (auto _ : state) {
    llmgw::daemon::Response response;
    llmgw::daemon::TrafficPass pass = g_traffic.admit(key, 50, response);
    llmgw::daemon::set_rate_headers(response, pass.rates());
    pass.finish(60);
  }
}

BENCHMARK(BM_decide_all_limits_one_key)->Threads(1)->Threads(2);
BENCHMARK(BM_decide_all_limits_key_per_thread)->Threads(2);
BENCHMARK(BM_decide_no_limits)->Threads(1);
BENCHMARK(BM_admit_with_headers)->Threads(1);

}  // namespace

BENCHMARK_MAIN();
