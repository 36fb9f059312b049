#pragma once
// The window of a recurring spending limit: "1h".."8760h", "1d".."365d", "1w".."52w",
// "1mo".."12mo". Windows are aligned in UTC: a limit set at any moment is anchored at the
// start of that hour, day, week (Monday) or month, and its windows follow back to back,
// each `count` units long. So "1d" resets at every midnight UTC and "1mo" on every 1st.
#include "core/timestamp.h"

#include <string>
#include <string_view>

namespace llmgw {

enum class PeriodUnit { hour, day, week, month };

struct Window {
  Timestamp start = 0;  // inclusive
  Timestamp end = 0;    // exclusive: the reset time
};

class Period {
public:
  // Throws Error(invalid) for anything outside the ranges above.
  static Period parse(std::string_view text);

  std::string to_string() const;
  // The anchor of a limit set at `t`: `t` truncated to the start of its unit.
  Timestamp anchor_for(Timestamp t) const;
  // The window containing `t` for a limit anchored at `anchor`. A `t` before the anchor
  // (a clock stepped back) falls in the first window.
  Window window_at(Timestamp anchor, Timestamp t) const;

  int count() const { return m_count; }
  PeriodUnit unit() const { return m_unit; }
  bool operator==(const Period& o) const { return m_count == o.m_count && m_unit == o.m_unit; }

private:
  Period(int count, PeriodUnit unit) : m_count(count), m_unit(unit) {}
  int m_count;
  PeriodUnit m_unit;
};

}  // namespace llmgw
