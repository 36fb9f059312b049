#include "daemon/runtime/fiber_pool.h"

#include "daemon/runtime/event_signal.h"

#include <algorithm>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <utility>

namespace llmgw::daemon {

FiberPool::FiberPool(std::size_t most_tasks, std::size_t threads, std::vector<int> latches)
    : m_most_tasks(std::max<std::size_t>(most_tasks, 1)) {
  for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i) {
    m_schedulers.push_back(std::make_unique<FiberScheduler>(
        Turns{[this](FiberScheduler& scheduler) { turn_ended(scheduler); },
              [this] { take_turn(); }},
        latches));
  }
}

FiberPool::~FiberPool() {
  shutdown();
}

void FiberPool::enqueue(std::function<void()> task) {
  FiberScheduler* scheduler;
  {
    std::lock_guard<CheckedMutex> lock(m_mutex);
    if (m_running >= m_most_tasks) {
      m_waiting.push_back(std::move(task));
      return;
    }
    ++m_running;
    scheduler = m_schedulers[m_next++ % m_schedulers.size()].get();
  }
  scheduler->start(std::move(task));
}

void FiberPool::turn_ended(FiberScheduler& scheduler) {
  std::function<void()> next;
  {
    std::lock_guard<CheckedMutex> lock(m_mutex);
    if (!m_returning.empty()) {
      signal_event(m_returning.front());  // the turn passes to it: m_running stays
      m_returning.pop_front();
      return;
    }
    if (m_waiting.empty()) {
      --m_running;
      return;
    }
    next = std::move(m_waiting.front());
    m_waiting.pop_front();
  }
  // start(), not begin(): this may run on one of the scheduler's fibers.
  scheduler.start(std::move(next));
}

void FiberPool::take_turn() {
  int event;
  {
    std::lock_guard<CheckedMutex> lock(m_mutex);
    // While turns are free, no task waits for one: take it.
    event = m_running < m_most_tasks ? -1 : ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (event < 0) {
      ++m_running;  // a free turn, or no event to wait on: one beyond the bound, not a hang
      return;
    }
    m_returning.push_back(event);
  }
  pollfd fds[1] = {{event, POLLIN, 0}};
  while (wait_for_events(fds, 1, -1) <= 0) {
  }
  ::close(event);
}

void FiberPool::shutdown() {
  {
    std::lock_guard<CheckedMutex> lock(m_mutex);
    if (m_shut_down) {
      return;
    }
    m_shut_down = true;
  }
  for (auto& scheduler : m_schedulers) {
    scheduler->stop();
  }
  for (auto& scheduler : m_schedulers) {
    scheduler->join();
  }
}

}  // namespace llmgw::daemon
