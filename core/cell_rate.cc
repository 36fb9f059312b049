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
    : m_count(count), m_per_cell(period), m_period(static_cast<Scaled>(period) * count) {}

CellRate::Scaled CellRate::tat_at(Timestamp now) const {
  return std::max(m_tat, scaled(now));
}

CellRate::State CellRate::state(Timestamp now) const {
  const Scaled ahead = tat_at(now) - scaled(now);
  State s;
  s.limit = m_count;
  s.remaining = static_cast<std::int64_t>(std::max<Scaled>(0, (m_period - ahead) / m_per_cell));
  s.reset = ceil_div(ahead, m_count);
  return s;
}

CellRate::Verdict CellRate::check(Timestamp now, std::int64_t cells) const {
  const Scaled asked = std::min(cells, m_count);
  // Fits when the TAT after taking is at most a whole period ahead of now.
  const Scaled over = tat_at(now) + asked * m_per_cell - scaled(now) - m_period;
  Verdict v;
  v.allowed = over <= 0;
  v.retry_after = v.allowed ? 0 : ceil_div(over, m_count);
  v.state.limit = m_count;
  return v;
}

CellRate::Verdict CellRate::take(Timestamp now, std::int64_t cells) {
  Verdict v = check(now, cells);
  if (v.allowed) {
    charge(now, cells);
  }
  v.state = state(now);
  return v;
}

CellRate CellRate::remade(std::int64_t count, Timestamp period, Timestamp now) const {
  CellRate rate(count, period);
  // The cells taken, ahead / m_per_cell (a fraction, a debt included), at the new rate:
  // ahead * period / m_per_cell in units of 1/count ms, rounded up.
  const Scaled ahead = tat_at(now) - scaled(now);
  const Scaled moved = (ahead * period + m_per_cell - 1) / m_per_cell;
  rate.m_tat = rate.scaled(now) + moved;
  return rate;
}

void CellRate::charge(Timestamp now, std::int64_t cells) {
  m_tat = std::max<Scaled>(tat_at(now) + cells * m_per_cell, scaled(now));
}

}  // namespace llmgw
