#pragma once
// Per-key traffic control, in the daemon's memory: each key's request and token rates
// (core/cell_rate.h: one theoretical arrival time per key and limit, so no double burst
// at a window's edge and an exact time to retry) and its requests in flight.
//
// A request is admitted whole or not at all: every limit of its key must have room for it
// (one request a minute and a day, its prompt estimate in tokens, one slot in flight),
// and only then is anything taken. What it holds is a TrafficPass. A request refused
// after admission (its budget spent, its model denied) drops its pass unfinished, which
// gives everything back: it consumed nothing. A request that ran finishes its pass with the
// tokens it used in all, which corrects the token rate (a debt pushes the next admission
// out) and frees its slot; Exchange::finish() does that, on every path that ends a request
// (success, error, timeout, a client gone, the drain), so no path can keep a slot.
//
// The state lives and dies with the process: a restart refills every rate and clears the
// in-flight counts. A changed limit keeps what the key has taken (a debt included) and
// its requests in flight; a new one starts full.
#include "core/api_key.h"
#include "core/cell_rate.h"
#include "core/timestamp.h"
#include "core/traffic_limits.h"
#include "daemon/http/response.h"
#include "daemon/runtime/fiber_rules.h"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace llmgw::daemon {

class Traffic;

// One key's traffic: its limits as last seen, a rate for each, its requests in flight.
struct KeyTraffic {
  TrafficLimits limits;
  std::optional<CellRate> per_minute;
  std::optional<CellRate> per_day;
  std::optional<CellRate> tokens;
  std::int64_t in_flight = 0;
};

// What the x-ratelimit-* headers say: the tighter of the request rates (fewest
// remaining), and the token rate.
struct RateState {
  std::optional<CellRate::State> requests;
  std::optional<CellRate::State> tokens;
};

// Sets x-ratelimit-{limit,remaining,reset}-{requests,tokens} for the rates `state` has.
// A reset is a duration as OpenAI writes it: "20ms", "1s", "6m0s", "1h0m0s".
void set_rate_headers(Response& response, const RateState& state);

class TrafficPass {
public:
  TrafficPass() = default;  // holds nothing
  TrafficPass(TrafficPass&& other) noexcept;
  TrafficPass& operator=(TrafficPass&& other) noexcept;
  TrafficPass(const TrafficPass&) = delete;
  TrafficPass& operator=(const TrafficPass&) = delete;
  ~TrafficPass();  // unfinished: gives back all it took

  // The request ran and used `tokens` (prompt plus completion) in all. Once; a pass that
  // holds nothing ignores it.
  void finish(std::int64_t tokens);
  // The key's rates as its admission left them (Traffic::admit), for its answer's headers.
  const RateState& rates() const { return m_rates; }

private:
  friend class Traffic;
  TrafficPass(Traffic* traffic, KeyTraffic* state, std::int64_t tokens)
      : m_traffic(traffic), m_state(state), m_tokens(tokens) {}

  Traffic* m_traffic = nullptr;  // null: holds nothing
  KeyTraffic* m_state = nullptr;
  std::int64_t m_tokens = 0;     // charged to the token rate at admission
  RateState m_rates;
};

// What Traffic::decide() found: a pass when admitted, else the limit that refused.
struct TrafficDecision {
  TrafficPass pass;  // holds nothing when refused, or when only checked
  RateState rates;   // after the decision
  bool refused = false;
  std::string message;       // refused: names the limit with the longest wait
  Timestamp retry_after = 0;  // refused: ms until it would fit (1 s for requests in flight)
};

class Traffic {
public:
  // `clock` must never go back (a steady clock): times are only compared.
  explicit Traffic(const Clock& clock) : m_clock(clock) {}
  Traffic(const Traffic&) = delete;
  Traffic& operator=(const Traffic&) = delete;

  enum class Take { yes, no };
  // The decision alone, HTTP aside: whether a request of `key` whose prompt is estimated
  // at `tokens` fits every limit now, and with Take::yes, when it does, the pass that
  // holds what it took.
  TrafficDecision decide(const ApiKey& key, std::int64_t tokens, Take take);
  // Admits a request of `key` whose prompt is estimated at `tokens`, or throws HttpError
  // 429 rate_limit_exceeded naming the limit that refused it (the one with the longest
  // wait), e.g. "Rate limit exceeded: 60 requests per minute for this key", with
  // Retry-After the seconds until it would fit, rounded up (1 for requests in flight),
  // and, for a key with rates, its x-ratelimit-* headers on `response`. An admitted
  // request's headers are the pass's rates(), written once nothing else refuses it.
  TrafficPass admit(const ApiKey& key, std::int64_t tokens, Response& response);
  // Throws what admit() would for a request of one token now, taking nothing: the head of
  // a request that cannot fit is refused before its body is read.
  void refuse_if_full(const ApiKey& key, Response& response);

private:
  friend class TrafficPass;

  // Finds whether `tokens` and one request fit the key's limits; REQUIRES: m_mutex held.
  static void check_locked(const KeyTraffic& state, std::int64_t tokens, Timestamp now,
                           TrafficDecision& decision);
  // The key's state, its rates made to its limits. REQUIRES: m_mutex held.
  KeyTraffic& state_locked(const ApiKey& key, Timestamp now);
  // Gives back, or finishes with `tokens` used; REQUIRES: m_mutex not held.
  void end(TrafficPass& pass, std::optional<std::int64_t> tokens);

  const Clock& m_clock;
  CheckedMutex m_mutex;  // guards m_keys and every KeyTraffic
  std::unordered_map<std::string, KeyTraffic> m_keys;  // by id; never erased
};

}  // namespace llmgw::daemon
