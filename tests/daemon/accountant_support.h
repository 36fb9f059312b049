#pragma once
// What the accountant's tests share: a usage record, and a wait for a commit ticket.
#include "core/usage.h"
#include "daemon/runtime/commit_ticket.h"

#include <string>

namespace test {

// A served request's record, named `request_id`, of key "key_commitsticket", costing
// 1000 units.
llmgw::UsageRecord record_named(const std::string& request_id);

// Whether `ticket` is done within about two seconds (far less than the 30 s batch waits of
// the accountant tests).
bool done_soon(llmgw::daemon::CommitTicket& ticket);

}  // namespace test
