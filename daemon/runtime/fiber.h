#pragma once
// One fiber: a task on a stack of its own (8 MiB reserved like a thread's, with a guard
// page), switched in user space (see context_switch.h), and what a FiberScheduler keeps of it
// while it waits. The C++ runtime's exception state is per thread; a fiber that waits
// inside a catch block must find its own exception there when it resumes, whatever other
// fibers of the thread threw and caught meanwhile, so each fiber carries its own.
#include "daemon/runtime/context_switch.h"

#include <poll.h>

#include <chrono>
#include <functional>
#include <map>

namespace llmgw::daemon {

// libstdc++'s __cxa_eh_globals on x86-64: the exceptions being handled and the number in
// flight.
struct ExceptionState {
  void* caught = nullptr;
  unsigned int uncaught = 0;
};

struct Fiber {
  using Clock = std::chrono::steady_clock;

  // A fiber that runs `task` on `stack` (from new_fiber_stack) once resumed, and switches
  // to `back` when the task returns.
  Fiber(std::function<void()> task, char* stack, ExecutionContext& back);
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // Switches from `from` into the fiber, until it switches back or its task ends.
  void resume(ExecutionContext& from);
  // From inside the fiber: switches back to `to`, until resumed.
  void suspend(ExecutionContext& to);

  ExecutionContext context;
  ExecutionContext& back;  // where the fiber goes when its task has ended
  char* stack;
  std::function<void()> task;
  bool holds_turn = true;  // one of its pool's turns (see leave_turn())
  ExceptionState exceptions;
  bool ended = false;
  // The wait in progress, if any (FiberScheduler::wait).
  pollfd* fds = nullptr;
  nfds_t count = 0;
  int ready = 0;         // entries of `fds` with revents
  bool parked = false;   // waiting, and not yet made runnable
  bool recheck = false;  // a latch fired: poll() tells the state of every entry
  bool timed = false;    // `timer` is in the scheduler's timers
  std::multimap<Clock::time_point, Fiber*>::iterator timer;
  std::multimap<Clock::time_point, Fiber*>::node_type spare_timer;  // for the next wait
};

// A new stack, or nullptr when none can be mapped (memory, vm.max_map_count).
char* new_fiber_stack();
void free_fiber_stack(char* stack);

}  // namespace llmgw::daemon
