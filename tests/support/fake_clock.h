#pragma once
// A clock that stands still until the test moves it.
#include "core/timestamp.h"

namespace test {

class FakeClock : public llmgw::Clock {
public:
  explicit FakeClock(llmgw::Timestamp now) : m_now(now) {}

  llmgw::Timestamp now() const override { return m_now; }
  void set(llmgw::Timestamp now) { m_now = now; }
  void advance(llmgw::Timestamp by) { m_now += by; }

private:
  llmgw::Timestamp m_now;
};

}  // namespace test
