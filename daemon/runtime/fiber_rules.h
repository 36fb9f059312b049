#pragma once
// The rules for code on a fiber (fiber_pool.h), checked in debug builds (without NDEBUG,
// as in the sanitized build that runs the daemon's tests): a fiber that breaks one
// aborts there, with the rule in the message. In other builds the checks cost nothing.
// - No mutex may be held across a wait: code on fibers locks CheckedMutex, which counts
//   the mutexes its thread holds, and a fiber that switches away with one held aborts.
// - No call that may block for long runs on a fiber: such calls assert assert_may_block().
#include <cassert>
#include <mutex>

namespace llmgw::daemon {

namespace fiber_rules {
#ifndef NDEBUG
inline thread_local int mutexes_held = 0;
#endif
}  // namespace fiber_rules

// A std::mutex that code on fibers locks (with std::lock_guard, std::unique_lock, or
// std::condition_variable_any).
class CheckedMutex {
public:
  void lock() {
    m_mutex.lock();
    held(+1);
  }
  bool try_lock() {
    if (!m_mutex.try_lock()) {
      return false;
    }
    held(+1);
    return true;
  }
  void unlock() {
    held(-1);
    m_mutex.unlock();
  }

private:
  static void held([[maybe_unused]] int change) {
#ifndef NDEBUG
    fiber_rules::mutexes_held += change;
#endif
  }

  std::mutex m_mutex;
};

// Called by a fiber about to switch away (a wait, a yield, a turn to take back).
inline void assert_no_mutex_held() {
#ifndef NDEBUG
  assert(fiber_rules::mutexes_held == 0 && "a fiber may not hold a mutex across a wait");
#endif
}

// Called before a call that may block its thread for long (a condition variable's wait, a
// futex wait that is not over yet, a host-name lookup): never on a fiber, whose thread
// serves other fibers.
void assert_may_block();

}  // namespace llmgw::daemon
