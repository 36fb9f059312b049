#pragma once
// A one-time wake-up for one thread, on a Linux futex: a thread waits until another
// posts. Posting costs a system call only when the waiter is asleep, so a wait that is
// usually over before it starts (a commit that is done by the time its response is sent)
// costs nothing. A group commit wakes exactly the threads that wait for its records, each
// on its own word, instead of waking every waiter on one condition variable (where those
// not yet committed wake only to sleep again, and all fight for its mutex).
//
// The poster may still be inside post() when the waiter has returned and destroyed the
// Wakeup; the kernel then wakes no one or someone whose wait() loops, so that is safe.
#include <atomic>
#include <cstdint>

namespace llmgw::daemon {

class Wakeup {
public:
  // Blocks until post() was called (returns at once when it was). Never on a fiber
  // unless it was (fiber_rules.h).
  void wait();
  // wait(), for a post already under way on a thread that never blocks before it: allowed
  // on a fiber, whose thread it holds up for that moment only.
  void wait_for_imminent_post();
  // Wakes the waiter, now or when it comes to wait. Once only.
  void post();
  bool posted() const { return m_word.load(std::memory_order_acquire) == k_posted; }

private:
  static constexpr std::uint32_t k_empty = 0;
  static constexpr std::uint32_t k_sleeping = 1;
  static constexpr std::uint32_t k_posted = 2;
  std::atomic<std::uint32_t> m_word{k_empty};
  static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
};

}  // namespace llmgw::daemon
