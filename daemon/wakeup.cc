#include "daemon/wakeup.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace llmgw::daemon {

namespace {

long futex(std::atomic<std::uint32_t>& word, int operation, std::uint32_t value) {
  return ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), operation, value,
                   nullptr, nullptr, 0);
}

}  // namespace

std::uint32_t Wakeup::wait() {
  for (;;) {
    std::uint32_t value = m_word.load(std::memory_order_acquire);
    if (value != k_none) {
      return value;
    }
    // Sleeps only while the word still holds k_none; returns at once otherwise, or on a
    // signal or a stray wake, and the loop looks again.
    futex(m_word, FUTEX_WAIT_PRIVATE, k_none);
  }
}

void Wakeup::post(std::uint32_t value) {
  m_word.store(value, std::memory_order_release);
  futex(m_word, FUTEX_WAKE_PRIVATE, 1);
}

}  // namespace llmgw::daemon
