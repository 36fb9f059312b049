#pragma once
// Client connections on fibers. Each connection is served by one task that runs from
// accept to close and blocks on its sockets (ClientServer's loop, the upstream
// exchange). On a thread each, every such wait is a sleep and a wake-up of a thread of its
// own: at 16 connections about a third of the daemon's time went to the kernel's
// scheduler, and at 1,024 connections the threads' cold caches cost more still. A
// FiberPool runs the tasks as fibers (stacks of their own, switched in user space) on one
// thread per CPU: a task's wait parks its fiber, and the thread's epoll loop resumes it
// once a file descriptor it waits for is ready or its timeout has passed. A task stays
// plain blocking code; only its waits go through wait_for_events().
//
// Rules for code that runs on a fiber (fiber_rules.h checks the first two in debug builds):
// - No mutex may be held across a wait (wait_for_events(), yield_if_due(), take_turn()):
//   another fiber of the same thread that blocked on it would stop the thread for good.
//   Code on fibers locks CheckedMutex.
// - No call that may block for long: a wake-up not yet posted (Wakeup), a condition
//   variable, a host-name lookup (which runs on a thread of its own: UpstreamConnection,
//   unless no thread can be had).
// - Short blocking calls (a mutex another thread holds for a moment, SQLite's busy wait)
//   hold up every fiber of the thread while they last.
// - Per-thread state (thread_local) is shared by the fibers of a thread; the C++ runtime's
//   exception state is switched with the fiber.
#include "daemon/runtime/fiber_scheduler.h"

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace llmgw::daemon {

class FiberPool final {
public:
  // Runs at most `most_tasks` tasks at once (see leave_turn()), the others in their turn, on `threads`
  // threads. `latches` are file descriptors that, once readable, stay readable for the
  // pool's whole life (the server's drain and abort events): waits on them cost no
  // system call.
  FiberPool(std::size_t most_tasks, std::size_t threads, std::vector<int> latches);
  ~FiberPool();
  FiberPool(const FiberPool&) = delete;
  FiberPool& operator=(const FiberPool&) = delete;

  void enqueue(std::function<void()> task);
  // Runs every task enqueued to its end, then stops the threads. Once is enough: a second
  // call does nothing.
  void shutdown();

private:
  // A task on `scheduler`'s thread ended or left its turn: the turn goes to the first
  // task waiting to take one back, else to the next task waiting to start (there), else
  // it is free.
  void turn_ended(FiberScheduler& scheduler);
  // From a task that left its turn: returns once it holds one again (see leave_turn()).
  void take_turn();

  std::size_t m_most_tasks;
  std::vector<std::unique_ptr<FiberScheduler>> m_schedulers;  // one per thread
  CheckedMutex m_mutex;
  std::size_t m_running = 0;                     // turns held
  std::deque<std::function<void()>> m_waiting;   // tasks beyond m_most_tasks
  std::deque<int> m_returning;                   // eventfds of tasks waiting to take a turn back
  std::size_t m_next = 0;                        // round robin over the schedulers
  bool m_shut_down = false;
};

}  // namespace llmgw::daemon
