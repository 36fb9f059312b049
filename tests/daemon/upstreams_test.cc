// The gateway's upstream pools (daemon/upstreams.h): a pool that no request uses any more
// does not keep its idle connections past the idle timeout.
#include "daemon/upstreams.h"

#include "tests/support/mock_upstream.h"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

using namespace llmgw::daemon;

TEST_CASE("upstreams: idle connections of a pool nobody uses are closed once they expire") {
  test::MockUpstream quiet;
  quiet.answer_json("GET", "/v1/models", 200, R"({"data":[]})");
  quiet.start();
  test::MockUpstream busy;
  busy.answer_json("GET", "/v1/models", 200, R"({"data":[]})");
  busy.start();
  UpstreamTimeouts timeouts;
  timeouts.idle = std::chrono::milliseconds(100);
  Upstreams upstreams(timeouts, TlsConfig{}, 8);
  llmgw::Provider quiet_provider{"quiet", "Quiet", quiet.base_url() + "/v1", "", true};
  llmgw::Provider busy_provider{"busy", "Busy", busy.base_url() + "/v1", "", true};

  auto quiet_pool = upstreams.pool(quiet_provider);
  CHECK(quiet_pool->send("GET", "/models", {}, "")->read_all(1024) == R"({"data":[]})");
  CHECK(quiet_pool->idle_connections() == 1);
  // Past the idle timeout and the sweep interval, a request to another provider sweeps.
  std::this_thread::sleep_for(Upstreams::k_sweep_interval + std::chrono::milliseconds(100));
  CHECK(quiet_pool->idle_connections() == 1);  // nothing has looked yet
  upstreams.pool(busy_provider);
  CHECK(quiet_pool->idle_connections() == 0);
}
