#include "daemon/traffic.h"

#include "daemon/http_error.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>

namespace llmgw::daemon {

namespace {

constexpr Timestamp k_minute = 60 * k_ms_per_second;

// "0s", "20ms", "45s", "6m0s", "1h0m0s": under a second exact, else whole seconds up.
std::string duration_text(Timestamp ms) {
  if (ms <= 0) {
    return "0s";
  }
  if (ms < k_ms_per_second) {
    return fmt::format("{}ms", ms);
  }
  const Timestamp s = (ms + k_ms_per_second - 1) / k_ms_per_second;
  if (s < 60) {
    return fmt::format("{}s", s);
  }
  if (s < 3600) {
    return fmt::format("{}m{}s", s / 60, s % 60);
  }
  return fmt::format("{}h{}m{}s", s / 3600, s / 60 % 60, s % 60);
}

// The rate `limit` asks for: kept when its limit is unchanged, remade with what it had
// taken when it changed, full when it is new.
void remake(std::optional<CellRate>& rate, const std::optional<std::int64_t>& was,
            const std::optional<std::int64_t>& limit, Timestamp period, Timestamp now) {
  if (was == limit) {
    return;
  }
  if (!limit) {
    rate.reset();
  } else if (rate) {
    rate = rate->remade(*limit, period, now);
  } else {
    rate.emplace(*limit, period);
  }
}

// Throws the 429 of a refused decision, its rates' headers on `response`.
void refuse_if(const TrafficDecision& decision, Response& response) {
  if (!decision.refused) {
    return;
  }
  set_rate_headers(response, decision.rates);
  const Timestamp seconds =
      std::max<Timestamp>(1, (decision.retry_after + k_ms_per_second - 1) / k_ms_per_second);
  throw HttpError(429, "rate_limit_exceeded", decision.message,
                  {{"retry_after", std::to_string(seconds)}});
}

RateState rate_state(const KeyTraffic& state, Timestamp now) {
  RateState shown;
  for (const auto* rate : {&state.per_minute, &state.per_day}) {
    if (*rate) {
      CellRate::State s = (*rate)->state(now);
      if (!shown.requests || s.remaining < shown.requests->remaining) {
        shown.requests = s;
      }
    }
  }
  if (state.tokens) {
    shown.tokens = state.tokens->state(now);
  }
  return shown;
}

}  // namespace

void set_rate_headers(Response& response, const RateState& state) {
  // In name order, each after the last (Response::set_header).
  const auto& requests = state.requests;
  const auto& tokens = state.tokens;
  if (requests) {
    response.set_header("x-ratelimit-limit-requests", std::to_string(requests->limit));
  }
  if (tokens) {
    response.set_header("x-ratelimit-limit-tokens", std::to_string(tokens->limit));
  }
  if (requests) {
    response.set_header("x-ratelimit-remaining-requests", std::to_string(requests->remaining));
  }
  if (tokens) {
    response.set_header("x-ratelimit-remaining-tokens", std::to_string(tokens->remaining));
  }
  if (requests) {
    response.set_header("x-ratelimit-reset-requests", duration_text(requests->reset));
  }
  if (tokens) {
    response.set_header("x-ratelimit-reset-tokens", duration_text(tokens->reset));
  }
}

TrafficPass::TrafficPass(TrafficPass&& other) noexcept
    : m_traffic(other.m_traffic),
      m_state(other.m_state),
      m_tokens(other.m_tokens),
      m_rates(other.m_rates) {
  other.m_traffic = nullptr;
}

TrafficPass& TrafficPass::operator=(TrafficPass&& other) noexcept {
  if (this != &other) {
    if (m_traffic != nullptr) {
      m_traffic->end(*this, std::nullopt);
    }
    m_traffic = other.m_traffic;
    m_state = other.m_state;
    m_tokens = other.m_tokens;
    m_rates = other.m_rates;
    other.m_traffic = nullptr;
  }
  return *this;
}

TrafficPass::~TrafficPass() {
  if (m_traffic != nullptr) {
    m_traffic->end(*this, std::nullopt);
  }
}

void TrafficPass::finish(std::int64_t tokens) {
  if (m_traffic != nullptr) {
    m_traffic->end(*this, tokens);
  }
}

KeyTraffic& Traffic::state_locked(const ApiKey& key, Timestamp now) {
  KeyTraffic& state = m_keys[key.id];
  if (!(state.limits == key.traffic)) {
    remake(state.per_minute, state.limits.requests_per_minute, key.traffic.requests_per_minute,
           k_minute, now);
    remake(state.per_day, state.limits.requests_per_day, key.traffic.requests_per_day,
           k_ms_per_day, now);
    remake(state.tokens, state.limits.tokens_per_minute, key.traffic.tokens_per_minute, k_minute,
           now);
    state.limits = key.traffic;
  }
  return state;
}

void Traffic::check_locked(const KeyTraffic& state, std::int64_t tokens, Timestamp now,
                           TrafficDecision& decision) {
  Timestamp wait = -1;  // the longest wait of a refusing limit
  auto refuse = [&](std::int64_t limit, const char* unit, const char* per) {
    decision.refused = true;
    decision.message = fmt::format("Rate limit exceeded: {} {}{} {} for this key", limit, unit,
                                   limit == 1 ? "" : "s", per);
  };
  auto consider = [&](const std::optional<CellRate>& rate, std::int64_t cells, const char* unit,
                      const char* per) {
    if (!rate) {
      return;
    }
    CellRate::Verdict verdict = rate->check(now, cells);
    if (!verdict.allowed && verdict.retry_after > wait) {
      wait = verdict.retry_after;
      refuse(verdict.state.limit, unit, per);
    }
  };
  consider(state.per_minute, 1, "request", "per minute");
  consider(state.per_day, 1, "request", "per day");
  consider(state.tokens, tokens, "token", "per minute");
  if (wait < 0 && state.limits.max_parallel && state.in_flight >= *state.limits.max_parallel) {
    wait = k_ms_per_second;  // no time is known: a slot frees when a request ends
    refuse(*state.limits.max_parallel, "request", "in flight at once");
  }
  decision.retry_after = std::max<Timestamp>(0, wait);
}

TrafficDecision Traffic::decide(const ApiKey& key, std::int64_t tokens, Take take) {
  tokens = std::max<std::int64_t>(0, tokens);
  TrafficDecision decision;
  std::lock_guard<CheckedMutex> lock(m_mutex);
  const Timestamp now = m_clock.now();
  KeyTraffic& state = state_locked(key, now);
  check_locked(state, tokens, now, decision);
  if (!decision.refused && take == Take::yes) {
    for (auto* rate : {&state.per_minute, &state.per_day}) {
      if (*rate) {
        (*rate)->charge(now, 1);
      }
    }
    if (state.tokens) {
      state.tokens->charge(now, tokens);
    }
    ++state.in_flight;
    decision.pass = TrafficPass(this, &state, tokens);
  }
  decision.rates = rate_state(state, now);
  return decision;
}

TrafficPass Traffic::admit(const ApiKey& key, std::int64_t tokens, Response& response) {
  TrafficDecision decision = decide(key, tokens, Take::yes);
  refuse_if(decision, response);
  decision.pass.m_rates = decision.rates;
  return std::move(decision.pass);
}

void Traffic::refuse_if_full(const ApiKey& key, Response& response) {
  refuse_if(decide(key, 1, Take::no), response);
}

void Traffic::end(TrafficPass& pass, std::optional<std::int64_t> tokens) {
  std::lock_guard<CheckedMutex> lock(m_mutex);
  const Timestamp now = m_clock.now();
  KeyTraffic& state = *pass.m_state;
  if (tokens) {
    // The estimate was charged at admission; what the request used replaces it.
    if (state.tokens) {
      state.tokens->charge(now, std::max<std::int64_t>(0, *tokens) - pass.m_tokens);
    }
  } else {
    // Refused after admission: it consumed nothing.
    for (auto* rate : {&state.per_minute, &state.per_day}) {
      if (*rate) {
        (*rate)->charge(now, -1);
      }
    }
    if (state.tokens) {
      state.tokens->charge(now, -pass.m_tokens);
    }
  }
  --state.in_flight;
  pass.m_traffic = nullptr;
}

}  // namespace llmgw::daemon
