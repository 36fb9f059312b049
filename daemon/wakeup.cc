#include "daemon/wakeup.h"

#include <linux/futex.h>
#include <ctime>
#include <sys/syscall.h>
#include <unistd.h>

namespace llmgw::daemon {

namespace {

long futex(std::atomic<std::uint32_t>& word, int operation, std::uint32_t value,
           const timespec* timeout = nullptr) {
  return ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), operation, value,
                   timeout, nullptr, 0);
}

}  // namespace

void Wakeup::wait() {
  while (!wait_until(nullptr)) {
  }
}

bool Wakeup::wait_for(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return posted();
    }
    timespec relative{static_cast<time_t>(left.count() / 1000000000),
                      static_cast<long>(left.count() % 1000000000)};
    if (wait_until(&relative)) {
      return true;
    }
  }
}

bool Wakeup::wait_until(const timespec* relative) {
  std::uint32_t word = m_word.load(std::memory_order_acquire);
  if (word == k_empty &&
      m_word.compare_exchange_strong(word, k_sleeping, std::memory_order_acquire)) {
    word = k_sleeping;  // (on failure `word` holds what is there: posted, or sleeping)
  }
  if (word == k_posted) {
    return true;
  }
  // Sleeps only while the word still says so; returns at once otherwise, on a signal, a
  // stray wake or the timeout, and the caller looks again.
  futex(m_word, FUTEX_WAIT_PRIVATE, k_sleeping, relative);
  return posted();
}

void Wakeup::post() {
  if (m_word.exchange(k_posted, std::memory_order_release) == k_sleeping) {
    futex(m_word, FUTEX_WAKE_PRIVATE, 1);
  }
}

}  // namespace llmgw::daemon
