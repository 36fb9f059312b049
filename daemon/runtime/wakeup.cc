#include "daemon/runtime/wakeup.h"

#include "daemon/runtime/fiber_rules.h"

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

void Wakeup::wait() {
  if (!posted()) {
    assert_may_block();
  }
  wait_for_imminent_post();
}

void Wakeup::wait_for_imminent_post() {
  std::uint32_t word = m_word.load(std::memory_order_acquire);
  if (word == k_empty &&
      m_word.compare_exchange_strong(word, k_sleeping, std::memory_order_acquire)) {
    word = k_sleeping;  // (on failure `word` holds what is there: posted, or sleeping)
  }
  // Sleeps only while the word still says so; a signal or a stray wake loops.
  while (word != k_posted) {
    futex(m_word, FUTEX_WAIT_PRIVATE, k_sleeping);
    word = m_word.load(std::memory_order_acquire);
  }
}

void Wakeup::post() {
  if (m_word.exchange(k_posted, std::memory_order_release) == k_sleeping) {
    futex(m_word, FUTEX_WAKE_PRIVATE, 1);
  }
}

}  // namespace llmgw::daemon
