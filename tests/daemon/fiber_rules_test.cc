// The fiber rules (daemon/runtime/fiber_rules.h): broken on a fiber, each aborts a debug
// build with the rule in the message; kept, or broken off fibers, each passes. Every case
// runs in a child process, which a broken rule ends.
#include "daemon/runtime/fiber_pool.h"
#include "daemon/runtime/fiber_rules.h"
#include "daemon/runtime/fiber_scheduler.h"
#include "daemon/runtime/wakeup.h"

#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

using namespace llmgw::daemon;

namespace {

struct Outcome {
  int status = 0;   // the exit code, or minus the signal that ended the child
  std::string err;  // what it wrote to stderr
};

// Runs `task` on a fiber of a pool in a child process, which ends within 30 s whatever
// happens.
Outcome on_fiber_in_child(const std::function<void()>& task) {
  int pipe_ends[2];
  REQUIRE(::pipe(pipe_ends) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::signal(SIGABRT, SIG_DFL);  // not doctest's handler, which reports to the parent's output
    ::alarm(30);
    ::dup2(pipe_ends[1], STDERR_FILENO);
    ::close(pipe_ends[0]);
    {
      FiberPool pool(1, 1, {});
      pool.enqueue(task);
      pool.shutdown();
    }
    ::_exit(0);
  }
  ::close(pipe_ends[1]);
  Outcome outcome;
  char buffer[4096];
  for (ssize_t n; (n = ::read(pipe_ends[0], buffer, sizeof buffer)) > 0;) {
    outcome.err.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(pipe_ends[0]);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  outcome.status = WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
  return outcome;
}

// The sanitized build warns once per process of its first fiber switch: no rule's message.
bool mentions_a_rule(const Outcome& outcome) {
  return outcome.err.find("a fiber may not") != std::string::npos;
}

void check_broken(const Outcome& outcome, const std::string& rule) {
#ifdef NDEBUG
  (void)rule;
  CHECK(outcome.status == 0);  // not checked in this build
#else
  CHECK(outcome.status == -SIGABRT);
  CHECK(outcome.err.find(rule) != std::string::npos);
#endif
}

// A wait for nothing but its timeout: 0 ready.
int wait_a_moment() {
  return wait_for_events(nullptr, 0, 1);
}

}  // namespace

TEST_CASE("fiber rules: a fiber that waits holding a mutex aborts a debug build") {
  Outcome outcome = on_fiber_in_child([] {
    CheckedMutex mutex;
    std::lock_guard<CheckedMutex> lock(mutex);
    wait_a_moment();
  });
  check_broken(outcome, "a fiber may not hold a mutex across a wait");
}

TEST_CASE("fiber rules: a fiber that releases its mutex before it waits goes on") {
  Outcome outcome = on_fiber_in_child([] {
    CheckedMutex mutex;
    {
      std::lock_guard<CheckedMutex> lock(mutex);
    }
    std::unique_lock<CheckedMutex> lock(mutex);
    lock.unlock();
    wait_a_moment();
  });
  CHECK(outcome.status == 0);
  CHECK_FALSE(mentions_a_rule(outcome));
}

TEST_CASE("fiber rules: a fiber that waits for a wake-up not yet posted aborts a debug build") {
  Outcome outcome = on_fiber_in_child([] {
    Wakeup wakeup;
#ifdef NDEBUG
    std::thread poster([&wakeup] { wakeup.post(); });  // unchecked: the wait ends with it
    wakeup.wait();
    poster.join();
#else
    wakeup.wait();  // nothing posts: the check must end the process
#endif
  });
  check_broken(outcome, "a fiber may not make a call that blocks its thread for long");
}

TEST_CASE("fiber rules: a wake-up already posted, or a post under way, is waited for on a "
          "fiber") {
  Outcome outcome = on_fiber_in_child([] {
    Wakeup posted;
    posted.post();
    posted.wait();
    Wakeup imminent;
    std::thread poster([&imminent] { imminent.post(); });
    imminent.wait_for_imminent_post();
    poster.join();
  });
  CHECK(outcome.status == 0);
  CHECK_FALSE(mentions_a_rule(outcome));
}

TEST_CASE("fiber rules: off fibers, a thread may block and hold a mutex while it polls") {
  CheckedMutex mutex;
  std::lock_guard<CheckedMutex> lock(mutex);
  CHECK(wait_a_moment() == 0);
  Wakeup wakeup;
  std::thread poster([&wakeup] { wakeup.post(); });
  wakeup.wait();
  poster.join();
  CHECK(wakeup.posted());
  assert_may_block();
}
