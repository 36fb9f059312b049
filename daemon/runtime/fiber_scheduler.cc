#include "daemon/runtime/fiber_scheduler.h"

#include "daemon/runtime/event_signal.h"
#include "daemon/runtime/event_log.h"

#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <system_error>
#include <utility>

namespace llmgw::daemon {

namespace {

using Clock = FiberScheduler::Clock;

constexpr std::size_t k_spare_stacks = 16;      // kept by each thread for its next fibers
constexpr int k_events_per_wait = 256;
// How long a fiber may run before yield_if_due() lets the others of its thread run.
constexpr std::chrono::milliseconds k_time_slice{2};
// How soon a task that got no stack is tried again.
constexpr std::chrono::milliseconds k_stack_retry{100};

std::system_error system_error(const char* what) {
  return std::system_error(errno, std::generic_category(), what);
}

thread_local FiberScheduler* t_scheduler = nullptr;  // on a scheduler's thread

Fiber* current_fiber() {
  return t_scheduler != nullptr ? t_scheduler->current() : nullptr;
}

}  // namespace

int wait_for_events(pollfd* fds, nfds_t count, int timeout_ms) {
  Fiber* fiber = current_fiber();
  return fiber != nullptr ? t_scheduler->wait(*fiber, fds, count, timeout_ms)
                          : ::poll(fds, count, timeout_ms);
}

void watch_descriptor(int fd) {
  if (current_fiber() != nullptr) {
    t_scheduler->watch(fd);
  }
}

void descriptor_drained(int fd, short events) {
  if (current_fiber() != nullptr) {
    t_scheduler->drained(fd, events);
  }
}

void forget_descriptor(int fd) {
  if (current_fiber() != nullptr) {
    t_scheduler->forget(fd);
  }
}

bool on_fiber() {
  return current_fiber() != nullptr;
}

void yield_if_due() {
  if (Fiber* fiber = current_fiber()) {
    t_scheduler->yield_if_due(*fiber);
  }
}

void leave_turn() {
  if (Fiber* fiber = current_fiber()) {
    t_scheduler->leave_turn(*fiber);
  }
}

void take_turn() {
  if (Fiber* fiber = current_fiber()) {
    t_scheduler->take_turn(*fiber);
  }
}

FiberScheduler::FiberScheduler(Turns turns, const std::vector<int>& latches)
    : m_turns(std::move(turns)),
      m_epoll(::epoll_create1(EPOLL_CLOEXEC)),
      m_wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      m_latches(latches) {
  auto fail = [this] {
    std::system_error error = system_error("fiber scheduler");
    ::close(m_epoll);
    ::close(m_wake);
    throw error;
  };
  epoll_event wake{};
  wake.events = EPOLLIN;
  wake.data.fd = m_wake;
  if (m_epoll < 0 || m_wake < 0 || ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &wake) != 0) {
    fail();
  }
  for (int fd : m_latches) {
    // Edge-triggered: reported once when it turns readable (or at once if it is).
    epoll_event latch{};
    latch.events = EPOLLIN | EPOLLET;
    latch.data.fd = fd;
    if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &latch) != 0) {
      fail();
    }
  }
  try {
    m_thread = std::thread([this] { loop(); });
  } catch (const std::system_error&) {
    fail();
  }
}

FiberScheduler::~FiberScheduler() {
  if (m_thread.joinable()) {  // a pool whose construction failed part of the way
    stop();
    m_thread.join();
  }
  ::close(m_epoll);
  ::close(m_wake);
  for (char* stack : m_spare_stacks) {
    free_fiber_stack(stack);
  }
}

void FiberScheduler::start(std::function<void()> task) {
  {
    std::lock_guard<CheckedMutex> lock(m_mutex);
    m_incoming.push_back(std::move(task));
  }
  signal_event(m_wake);
}

void FiberScheduler::stop() {
  {
    std::lock_guard<CheckedMutex> lock(m_mutex);
    m_stopping = true;
  }
  signal_event(m_wake);
}

void FiberScheduler::begin(std::function<void()> task) {
  char* stack = nullptr;
  if (!m_spare_stacks.empty()) {
    stack = m_spare_stacks.back();
    m_spare_stacks.pop_back();
  } else if ((stack = new_fiber_stack()) == nullptr) {
    // The task waits (its connection with it) and is tried again shortly; the daemon goes
    // on with the fibers it has.
    if (!m_stack_failing) {
      log_event(LogLevel::error, "fiber_stack_failed",
                {{"error", std::generic_category().message(errno)}, {"fibers", m_fibers.size()}});
      m_stack_failing = true;
    }
    if (m_deferred.empty()) {
      m_retry_at = Clock::now() + k_stack_retry;
    }
    m_deferred.push_back(std::move(task));
    return;
  } else {
    m_stack_failing = false;
  }
  auto fiber = std::make_unique<Fiber>(std::move(task), stack);
  m_fibers.insert(fiber.get());
  m_runnable.push_back(fiber.release());
}

void FiberScheduler::retry_deferred() {
  std::deque<std::function<void()>> deferred;
  deferred.swap(m_deferred);
  for (auto& task : deferred) {
    begin(std::move(task));
  }
}

void FiberScheduler::resume(Fiber& fiber) {
  m_current = &fiber;
  m_resumed_at = Clock::now();
  fiber.resume();
  m_current = nullptr;
  if (fiber.ended) {
    end(fiber);
  }
}

void FiberScheduler::end(Fiber& fiber) {
  m_fibers.erase(&fiber);
  if (m_spare_stacks.size() < k_spare_stacks || !m_deferred.empty()) {
    m_spare_stacks.push_back(fiber.stack);
  } else {
    free_fiber_stack(fiber.stack);
  }
  const bool held_turn = fiber.holds_turn;
  delete &fiber;
  if (!m_deferred.empty()) {
    retry_deferred();  // a task that got no stack takes this one
  }
  if (held_turn) {
    m_turns.ended(*this);
  }
}

void FiberScheduler::leave_turn(Fiber& fiber) {
  if (fiber.holds_turn) {
    fiber.holds_turn = false;
    m_turns.ended(*this);
  }
}

void FiberScheduler::take_turn(Fiber& fiber) {
  if (!fiber.holds_turn) {
    m_turns.take();
    fiber.holds_turn = true;
  }
}

void FiberScheduler::loop() {
  ::pthread_setname_np(::pthread_self(), "llmgw-fibers");  // for top -H, ps -L, perf
  t_scheduler = this;
  epoll_event events[k_events_per_wait];
  for (;;) {
    std::vector<std::function<void()>> incoming;
    bool stopping;
    {
      std::lock_guard<CheckedMutex> lock(m_mutex);
      incoming.swap(m_incoming);
      stopping = m_stopping;
    }
    for (auto& task : incoming) {
      begin(std::move(task));
    }
    if (!m_deferred.empty() && Clock::now() >= m_retry_at) {
      retry_deferred();
    }
    // Those runnable now; fibers that become runnable meanwhile (a yield, a task started
    // as another ends) run after the next look at the events.
    for (std::size_t n = m_runnable.size(); n > 0 && !m_runnable.empty(); --n) {
      Fiber* fiber = m_runnable.front();
      m_runnable.pop_front();
      resume(*fiber);
    }
    if (stopping && m_fibers.empty() && m_deferred.empty()) {
      std::lock_guard<CheckedMutex> lock(m_mutex);
      if (m_incoming.empty()) {
        return;
      }
    }
    int ready = ::epoll_wait(m_epoll, events, k_events_per_wait, next_timeout());
    for (int i = 0; i < ready; ++i) {
      dispatch(events[i]);
    }
    expire_timers();
  }
}

int FiberScheduler::next_timeout() const {
  if (!m_runnable.empty()) {
    return 0;
  }
  if (m_timers.empty() && m_deferred.empty()) {
    return -1;
  }
  auto next = m_timers.empty() ? m_retry_at : m_timers.begin()->first;
  if (!m_deferred.empty()) {
    next = std::min(next, m_retry_at);
  }
  auto left = std::chrono::ceil<std::chrono::milliseconds>(next - Clock::now());
  return static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(left.count(), 0, 1 << 30));
}

void FiberScheduler::dispatch(const epoll_event& event) {
  const int fd = event.data.fd;
  if (fd == m_wake) {
    reset_event(m_wake);
    return;
  }
  if (is_latch(fd)) {
    fire_latch(fd);
    return;
  }
  if (static_cast<std::size_t>(fd) >= m_descriptors.size()) {
    return;
  }
  Descriptor& descriptor = m_descriptors[fd];
  if (descriptor.watched) {
    descriptor.ready |= event.events;
  }
  // No waiter: its wait ended (a timeout, another descriptor) before this event came.
  if (descriptor.waiter == nullptr) {
    return;
  }
  Fiber& fiber = *descriptor.waiter;
  bool wanted = false;
  for (nfds_t i = 0; i < fiber.count; ++i) {
    pollfd& entry = fiber.fds[i];
    if (entry.fd != fd) {
      continue;
    }
    // epoll's event bits are poll's.
    auto got = static_cast<short>(event.events & static_cast<std::uint32_t>(entry.events | POLLERR | POLLHUP));
    if (got != 0 && entry.revents == 0) {
      ++fiber.ready;
    }
    entry.revents = static_cast<short>(entry.revents | got);
    wanted = wanted || got != 0;
  }
  // A watched descriptor reports whatever it is ready for; one armed for a wait only that.
  if (wanted || !descriptor.watched) {
    make_runnable(fiber);
  }
}

void FiberScheduler::fire_latch(int fd) {
  m_fired.push_back(fd);
  // Rare (the daemon drains or aborts once): every fiber that waits on it looks again.
  for (Fiber* fiber : m_fibers) {
    if (!fiber->parked) {
      continue;
    }
    for (nfds_t i = 0; i < fiber->count; ++i) {
      if (fiber->fds[i].fd == fd) {
        fiber->recheck = true;
        make_runnable(*fiber);
        break;
      }
    }
  }
}

void FiberScheduler::expire_timers() {
  const auto now = Clock::now();
  while (!m_timers.empty() && m_timers.begin()->first <= now) {
    Fiber* fiber = m_timers.begin()->second;
    fiber->spare_timer = m_timers.extract(m_timers.begin());
    fiber->timed = false;
    make_runnable(*fiber);
  }
}

void FiberScheduler::make_runnable(Fiber& fiber) {
  if (fiber.parked) {
    fiber.parked = false;
    m_runnable.push_back(&fiber);
  }
}

void FiberScheduler::yield_if_due(Fiber& fiber) {
  if (Clock::now() - m_resumed_at < k_time_slice) {
    return;
  }
  m_runnable.push_back(&fiber);
  fiber.suspend();
}

bool FiberScheduler::is_latch(int fd) const {
  return std::find(m_latches.begin(), m_latches.end(), fd) != m_latches.end();
}

bool FiberScheduler::latch_fired(int fd) const {
  return std::find(m_fired.begin(), m_fired.end(), fd) != m_fired.end();
}

}  // namespace llmgw::daemon
