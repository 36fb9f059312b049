#include "daemon/fiber_pool.h"

#include <algorithm>
#include <utility>

namespace llmgw::daemon {

FiberPool::FiberPool(std::size_t most_tasks, std::size_t threads, std::vector<int> latches)
    : m_most_tasks(std::max<std::size_t>(most_tasks, 1)) {
  for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i) {
    m_schedulers.push_back(std::make_unique<FiberScheduler>(*this, latches));
  }
}

FiberPool::~FiberPool() {
  shutdown();
}

void FiberPool::enqueue(std::function<void()> task) {
  FiberScheduler* scheduler;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_running >= m_most_tasks) {
      m_waiting.push_back(std::move(task));
      return;
    }
    ++m_running;
    scheduler = m_schedulers[m_next++ % m_schedulers.size()].get();
  }
  scheduler->start(std::move(task));
}

void FiberPool::task_ended(FiberScheduler& scheduler) {
  std::function<void()> next;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_waiting.empty()) {
      --m_running;
      return;
    }
    next = std::move(m_waiting.front());
    m_waiting.pop_front();
  }
  scheduler.begin(std::move(next));
}

void FiberPool::shutdown() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
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
