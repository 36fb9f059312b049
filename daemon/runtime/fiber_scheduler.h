#pragma once
// daemon/runtime/: the fiber runtime under the daemon (fibers, scheduler, waits, pool).
//
// One thread of a FiberPool: its fibers, and the epoll loop that resumes each once a file
// descriptor it waits for is ready or its timeout has passed. What code on a fiber calls
// is here too: wait_for_events() and the rest (see fiber_pool.h for the rules).
#include "daemon/runtime/fiber.h"
#include "daemon/runtime/fiber_rules.h"

#include <poll.h>
#include <sys/epoll.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <thread>
#include <unordered_set>
#include <vector>

namespace llmgw::daemon {

class FiberScheduler;

// Like poll(2), with the timeout in milliseconds (negative: none). On a fiber, the fiber
// waits and its thread runs other fibers meanwhile; elsewhere this is poll(2).
int wait_for_events(pollfd* fds, nfds_t count, int timeout_ms);

// Whether the caller runs on a fiber of a FiberPool.
bool on_fiber();

// A descriptor that one task uses from now until it is closed, such as a client's socket:
// registered once with its thread's epoll, edge-triggered, rather than before every wait.
// Its readiness is remembered from the events reported, until the task says it found the
// descriptor drained (descriptor_drained); a wait on it then costs no system call. A
// remembered readiness is only a hint: a wait that finds one asks poll(2) first, so a
// task that does not report a drain pays a system call, never a missed wake-up. The task
// must call forget_descriptor() before it closes the descriptor. Off fibers, these three
// do nothing.
void watch_descriptor(int fd);
// A read of `fd` (POLLIN) or a write (POLLOUT) would block, or took all there was. (A
// read that came short of the end of the input or of urgent data still finds them: the
// scheduler keeps those reported until the descriptor is forgotten.)
void descriptor_drained(int fd, short events);
void forget_descriptor(int fd);

// On a fiber that has run for a time slice (2 ms) since it last waited, lets the other
// fibers of its thread run first. Called where a task may go on without ever waiting
// (reading a fast provider's large body or stream), so that it does not hold its thread.
void yield_if_due();

// The running task's turn: a pool runs at most `most_tasks` tasks at once, and a task
// holds its turn from its start to its end, except between leave_turn() and take_turn().
// A task about to wait for something long that costs nothing meanwhile (an idle
// connection's next request) leaves its turn, so that other tasks go on; it takes a turn
// again before its next work, waiting for one while all are held (tasks taking a turn
// back go before tasks not yet started). Off fibers, both do nothing; each does nothing
// when the task already is as asked.
void leave_turn();
void take_turn();

// How a scheduler hands turns back and forth with the pool it belongs to (FiberPool).
struct Turns {
  std::function<void(FiberScheduler&)> ended;  // a task of that scheduler ended or left its turn
  std::function<void()> take;                  // returns once the calling task holds one again
};

class FiberScheduler {
public:
  using Clock = Fiber::Clock;

  // `turns` hears of every task that ends; `latches` as FiberPool says.
  FiberScheduler(Turns turns, const std::vector<int>& latches);
  ~FiberScheduler();
  FiberScheduler(const FiberScheduler&) = delete;
  FiberScheduler& operator=(const FiberScheduler&) = delete;

  // Any thread: runs `task` on a new fiber of this scheduler.
  void start(std::function<void()> task);
  // Any thread: the thread ends once it has no fiber left and nothing to start.
  void stop();
  void join() { m_thread.join(); }

  // This scheduler's thread.
  void begin(std::function<void()> task);
  Fiber* current() const { return m_current; }
  int wait(Fiber& fiber, pollfd* fds, nfds_t count, int timeout_ms);
  // The running fiber, past its time slice, goes after the others (see yield_if_due).
  void yield_if_due(Fiber& fiber);
  // See leave_turn().
  void leave_turn(Fiber& fiber);
  void take_turn(Fiber& fiber);
  // See watch_descriptor().
  void watch(int fd);
  void drained(int fd, short events);
  void forget(int fd);

private:
  void loop();
  void retry_deferred();
  void resume(Fiber& fiber);
  void end(Fiber& fiber);
  void make_runnable(Fiber& fiber);
  void dispatch(const epoll_event& event);
  void fire_latch(int fd);
  void expire_timers();
  int next_timeout() const;
  bool is_latch(int fd) const;
  bool latch_fired(int fd) const;
  bool arm(int fd, short events);
  // Whether a watched descriptor among `fds` was reported ready for what it waits for.
  bool remembered_ready(const pollfd* fds, nfds_t count) const;
  bool watched(int fd) const;

  // What the scheduler knows of a file descriptor.
  struct Descriptor {
    Fiber* waiter = nullptr;  // latches aside
    bool watched = false;     // see watch_descriptor()
    std::uint32_t ready = 0;  // of a watched one: events reported since it was drained
  };

  Turns m_turns;
  int m_epoll;
  int m_wake;  // an eventfd: tasks to start, or stop
  std::vector<int> m_latches;
  std::vector<int> m_fired;  // latches seen readable
  Fiber* m_current = nullptr;
  Clock::time_point m_resumed_at;  // of m_current
  std::unordered_set<Fiber*> m_fibers;
  std::deque<Fiber*> m_runnable;
  std::vector<Descriptor> m_descriptors;  // indexed by file descriptor
  std::multimap<Clock::time_point, Fiber*> m_timers;
  std::vector<char*> m_spare_stacks;
  std::deque<std::function<void()>> m_deferred;  // tasks that got no stack yet
  Clock::time_point m_retry_at;                   // of the deferred tasks
  bool m_stack_failing = false;                   // logged; until a stack maps again
  CheckedMutex m_mutex;
  std::vector<std::function<void()>> m_incoming;
  bool m_stopping = false;
  std::thread m_thread;  // last: starts once the rest is built
};

}  // namespace llmgw::daemon
