#include "tests/daemon/accountant_support.h"

#include <chrono>
#include <thread>

namespace test {

llmgw::UsageRecord record_named(const std::string& request_id) {
  llmgw::UsageRecord r;
  r.request_id = request_id;
  r.time = llmgw::SystemClock().now();
  r.key_id = "key_commitsticket";
  r.requested_model = "echo";
  r.served_model = "echo";
  r.provider = "echo";
  r.status = 200;
  r.cost = llmgw::Money::from_units(1000);
  return r;
}

bool done_soon(llmgw::daemon::CommitTicket& ticket) {
  for (int i = 0; i < 2000 && !ticket.done(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return ticket.done();
}

}  // namespace test
