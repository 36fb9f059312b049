#include "core/cell_rate.h"

#include <algorithm>

namespace llmgw {

namespace {

// Ceiling of a / b in ms, for a >= 0, b > 0.
template <typename Wide>
Timestamp ceil_div(Wide a, std::int64_t b) {
  return static_cast<Timestamp>((a + b - 1) / b);
}

}  // namespace

CellRate::CellRate(std::int64_t count, Timestamp period)
    : m_count(count), m_period(static_cast<Scaled>(period) * count) {}

CellRate::Scaled CellRate::tat_at(Timestamp now) const {
  return std::max(m_tat, scaled(now));
}

CellRate::State CellRate::state(Timestamp now) const {
  // Each cell taken moves the TAT one period / count (scaled: one period_ms) ahead.
  const Scaled ahead = tat_at(now) - scaled(now);
  const Scaled per_cell = m_period / m_count;
  State s;
  s.limit = m_count;
  s.remaining = static_cast<std::int64_t>(std::max<Scaled>(0, (m_period - ahead) / per_cell));
  s.reset = ceil_div(ahead, m_count);
  return s;
}

CellRate::Verdict CellRate::take(Timestamp now, std::int64_t cells) {
  const Scaled per_cell = m_period / m_count;
  const Scaled taken = std::min(cells, m_count);
  const Scaled tat = tat_at(now);
  // Fits when the TAT after taking is at most a whole period ahead of now.
  const Scaled over = tat + taken * per_cell - scaled(now) - m_period;
  Verdict v;
  if (over > 0) {
    v.retry_after = ceil_div(over, m_count);
  } else {
    v.allowed = true;
    m_tat = tat + cells * per_cell;
  }
  v.state = state(now);
  return v;
}

void CellRate::charge(Timestamp now, std::int64_t cells) {
  m_tat = std::max<Scaled>(tat_at(now) + cells * (m_period / m_count), scaled(now));
}

}  // namespace llmgw
