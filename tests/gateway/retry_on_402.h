#pragma once
// Clients that retry on 402 until the key's limit is used up, as clients of a gateway do,
// and a tally of how their attempts ended (budget_retry_test.cc, honest_budget_test.cc).
#include "core/money.h"
#include "tests/gateway/gateway_fixture.h"

#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace test {

// How one attempt ended: served as the test expects, or an answer with this status and
// body (status -1: no answer, the body says why).
struct AttemptEnd {
  bool served = false;
  int status = 0;
  std::string body;
};

struct Tally {
  std::mutex mutex;
  int served = 0;
  int refused = 0;
  int stopped = 0;                  // clients that saw the limit used up
  std::vector<std::string> others;  // anything else, described
};

// A chat request of `key` on `client`: served when the answer says "spent", as the
// upstreams of these tests answer.
AttemptEnd post_chat(httplib::Client& client, const TestKey& key, const std::string& body);

// Makes attempts until a 402 says that committed usage has reached `limit`, pausing after
// each other 402; stops at the first answer that is neither served nor such a 402, and
// after 500 attempts.
void retry_until_spent(const std::function<AttemptEnd()>& attempt, llmgw::Money limit,
                       Tally& tally);

}  // namespace test
