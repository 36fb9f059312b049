#pragma once
// A wake-up for one sleeping thread, on a Linux futex: one thread waits until another
// posts a value. A group commit wakes exactly the threads whose records it committed,
// each on its own word, instead of waking every waiter on one condition variable (where
// those not yet committed wake only to sleep again, and all fight for its mutex).
//
// The poster may still be inside post() when the waiter has returned and destroyed the
// Wakeup; the kernel then wakes no one or someone whose wait() loops, so that is safe.
#include <atomic>
#include <cstdint>

namespace llmgw::daemon {

class Wakeup {
public:
  static constexpr std::uint32_t k_none = 0;

  // Blocks until a value other than k_none is posted, and returns it.
  std::uint32_t wait();
  // Posts `value` (not k_none) and wakes the waiter.
  void post(std::uint32_t value);

private:
  std::atomic<std::uint32_t> m_word{k_none};
  static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
};

}  // namespace llmgw::daemon
