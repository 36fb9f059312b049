#pragma once
// A rate limit as a generic cell rate algorithm (GCRA): `count` cells per `period`, up to
// `count` of them at once, then one every period / count. Its one number of state is the
// theoretical arrival time (TAT): the moment the limit would be back to full if nothing
// more were taken. There is no window, so no double burst at a window's edge, and the time
// until a refused request fits is known exactly. Times are milliseconds on the caller's
// clock; the arithmetic is exact, in units of 1/count ms. Not thread-safe: the caller
// holds its own lock.
#include "core/timestamp.h"

#include <cstdint>

namespace llmgw {

class CellRate {
public:
  // REQUIRES: count > 0, period > 0.
  CellRate(std::int64_t count, Timestamp period);

  struct State {
    std::int64_t limit = 0;      // `count`
    std::int64_t remaining = 0;  // cells that could be taken at once now
    Timestamp reset = 0;         // ms until the limit is full again (0: full)
  };
  struct Verdict {
    bool allowed = false;
    Timestamp retry_after = 0;  // refused: ms until `cells` would fit; allowed: 0
    State state;                // after the decision (take() only; check() sets the limit)
  };

  // Whether `cells` fit at `now` in what remains, taking nothing; a request for more than
  // `count` cells fits only a full limit.
  Verdict check(Timestamp now, std::int64_t cells = 1) const;
  // Takes `cells` at `now` when they fit (check()); more than `count` cells are taken
  // whole, the rest beyond a full limit being a debt.
  Verdict take(Timestamp now, std::int64_t cells = 1);
  // Charges `cells` more (taken without asking, as a token count found at the end is),
  // or gives back -`cells`, never beyond a full limit. Debt pushes later takes out.
  void charge(Timestamp now, std::int64_t cells);
  State state(Timestamp now) const;
  // A rate of `count` per `period` that has taken as many cells as this one has at `now`
  // (its debt included), never fewer: a changed limit keeps what was used.
  CellRate remade(std::int64_t count, Timestamp period, Timestamp now) const;

private:
  // Times in units of 1/count ms, wide enough for any clock and count.
  __extension__ typedef __int128 Scaled;

  Scaled scaled(Timestamp t) const { return static_cast<Scaled>(t) * m_count; }
  // The TAT as of `now`: never in the past.
  Scaled tat_at(Timestamp now) const;

  std::int64_t m_count;
  // Each cell taken moves the TAT one period / count ahead: in 1/count ms, period_ms.
  Scaled m_per_cell;
  Scaled m_period;  // period_ms * count: the whole limit's worth of time
  Scaled m_tat = 0;
};

}  // namespace llmgw
