#pragma once
// One fiber: a task on a stack of its own (8 MiB reserved like a thread's, with a guard
// page), switched in user space by Boost.Context, and what a FiberScheduler keeps of it
// while it waits. The C++ runtime's exception state is per thread; a fiber that waits
// inside a catch block must find its own exception there when it resumes, whatever other
// fibers of the thread threw and caught meanwhile, so each fiber carries its own. A fiber
// runs on the thread that started it, to its end.
//
// Boost.Context switches with its own assembly (fcontext), shadow stacks included where
// the build enables them; the sanitized build (tests/fuzz) uses its ucontext backend,
// which tells AddressSanitizer of every switch (BOOST_USE_UCONTEXT, BOOST_USE_ASAN).
#include <boost/context/fiber.hpp>

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

  // A fiber that runs `task` on `stack` (from new_fiber_stack, which it does not own) once
  // resumed.
  Fiber(std::function<void()> task, char* stack);
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // From the thread's own stack: runs the fiber until it suspends or its task ends.
  void resume();
  // From inside the fiber: back to where it was resumed, until resumed again.
  void suspend();

  boost::context::fiber context;  // the fiber, where it stopped; empty once it ended
  boost::context::fiber caller;   // while it runs: where resume() was called
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
