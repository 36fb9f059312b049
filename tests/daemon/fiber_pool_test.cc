// The fibers client connections run on (daemon/runtime/fiber_pool.h): many waiting tasks on one
// thread, each woken by its own descriptor or its timeout, latches, the bound on tasks at
// once, per-fiber state (the exception being handled), descriptors closed
// and reused between waits, and watched (edge-triggered) descriptors.
#include "daemon/runtime/fiber_pool.h"
#include "daemon/runtime/fiber_scheduler.h"

#include "tests/support/socket_pair.h"

#include <doctest/doctest.h>

#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace llmgw::daemon;

namespace {

using Clock = std::chrono::steady_clock;

// Waits on the fiber for `fd` to be readable; the byte read, or 0 on a timeout.
char receive_byte(int fd, int timeout_ms) {
  pollfd entry{fd, POLLIN, 0};
  if (wait_for_events(&entry, 1, timeout_ms) != 1 || (entry.revents & POLLIN) == 0) {
    return 0;
  }
  char byte = 0;
  return ::recv(fd, &byte, 1, MSG_DONTWAIT) == 1 ? byte : 0;
}

// Sleeps in steps until `done()` or about two seconds have passed.
template <typename Done>
bool eventually(Done done) {
  for (int i = 0; i < 2000 && !done(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return done();
}

}  // namespace

TEST_CASE("fiber pool: 50 tasks wait at once on one thread, each woken by its own socket") {
  constexpr int k_tasks = 50;
  std::vector<std::unique_ptr<test::SocketPair>> pairs;
  for (int i = 0; i < k_tasks; ++i) {
    pairs.push_back(std::make_unique<test::SocketPair>());
  }
  std::atomic<int> waiting{0};
  std::atomic<int> right_byte{0};
  std::mutex mutex;
  std::set<std::thread::id> threads;
  CHECK_FALSE(on_fiber());
  {
    FiberPool pool(k_tasks, 1, {});
    for (int i = 0; i < k_tasks; ++i) {
      pool.enqueue([&, i] {
        {
          std::lock_guard<std::mutex> lock(mutex);
          threads.insert(std::this_thread::get_id());
        }
        CHECK(on_fiber());
        ++waiting;
        if (receive_byte(pairs[i]->gateway, 10000) == static_cast<char>('A' + i)) {
          ++right_byte;
        }
      });
    }
    CHECK(eventually([&] { return waiting == k_tasks; }));
    for (int i = k_tasks - 1; i >= 0; --i) {  // the other way round
      pairs[i]->send(std::string(1, static_cast<char>('A' + i)));
    }
    pool.shutdown();
  }
  CHECK(right_byte == k_tasks);
  CHECK(threads.size() == 1);
}

TEST_CASE("fiber pool: a wait times out after its timeout, and a second wait on the same socket "
          "still wakes") {
  test::SocketPair pair;
  std::atomic<long long> waited_ms{-1};
  std::atomic<char> second{0};
  FiberPool pool(4, 1, {});
  pool.enqueue([&] {
    auto start = Clock::now();
    CHECK(receive_byte(pair.gateway, 50) == 0);
    waited_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    second = receive_byte(pair.gateway, 10000);
  });
  CHECK(eventually([&] { return waited_ms >= 0; }));
  CHECK(waited_ms >= 50);
  pair.send("x");
  pool.shutdown();
  CHECK(second == 'x');
}

TEST_CASE("fiber pool: a latch wakes every task waiting on it, and later waits see it at once") {
  const int latch = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  REQUIRE(latch >= 0);
  constexpr int k_tasks = 5;
  std::vector<std::unique_ptr<test::SocketPair>> pairs;
  for (int i = 0; i <= k_tasks; ++i) {
    pairs.push_back(std::make_unique<test::SocketPair>());
  }
  std::atomic<int> waiting{0};
  std::atomic<int> latched{0};
  auto wait_on_latch = [&](int i) {
    ++waiting;
    pollfd fds[2] = {{pairs[i]->gateway, POLLIN, 0}, {latch, POLLIN, 0}};
    if (wait_for_events(fds, 2, 10000) == 1 && fds[0].revents == 0 && fds[1].revents == POLLIN) {
      ++latched;
    }
  };
  {
    FiberPool pool(k_tasks + 1, 1, {latch});
    for (int i = 0; i < k_tasks; ++i) {
      pool.enqueue([&, i] { wait_on_latch(i); });
    }
    CHECK(eventually([&] { return waiting == k_tasks; }));
    std::uint64_t one = 1;
    CHECK(::write(latch, &one, sizeof one) == sizeof one);
    CHECK(eventually([&] { return latched == k_tasks; }));
    pool.enqueue([&] { wait_on_latch(k_tasks); });
    pool.shutdown();
  }
  CHECK(latched == k_tasks + 1);
  ::close(latch);
}

TEST_CASE("fiber pool: at most the bound of tasks run at once, the others start in order") {
  constexpr int k_tasks = 5;
  std::vector<std::unique_ptr<test::SocketPair>> pairs;
  for (int i = 0; i < k_tasks; ++i) {
    pairs.push_back(std::make_unique<test::SocketPair>());
  }
  std::mutex mutex;
  std::vector<int> started;
  std::atomic<int> running{0};
  std::atomic<int> most_running{0};
  FiberPool pool(2, 2, {});
  for (int i = 0; i < k_tasks; ++i) {
    pool.enqueue([&, i] {
      {
        std::lock_guard<std::mutex> lock(mutex);
        started.push_back(i);
      }
      int now = ++running;
      for (int most = most_running; now > most && !most_running.compare_exchange_weak(most, now);) {
      }
      CHECK(receive_byte(pairs[i]->gateway, 10000) == 'g');
      --running;
    });
  }
  auto started_count = [&] {
    std::lock_guard<std::mutex> lock(mutex);
    return started.size();
  };
  CHECK(eventually([&] { return started_count() == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(started_count() == 2);  // the other three wait their turn
  for (int i = 0; i < k_tasks; ++i) {
    pairs[i]->send("g");
    CHECK(eventually([&] { return started_count() >= std::min<std::size_t>(k_tasks, i + 3); }));
  }
  pool.shutdown();
  CHECK(most_running == 2);
  REQUIRE(started.size() == k_tasks);
  // The first two start at once on the two threads, in either order; the rest in turn.
  CHECK(std::set<int>(started.begin(), started.begin() + 2) == std::set<int>{0, 1});
  CHECK(std::vector<int>(started.begin() + 2, started.end()) == std::vector<int>{2, 3, 4});
}

TEST_CASE("fiber pool: the exception being handled belongs to each fiber") {
  test::SocketPair first;
  test::SocketPair second;
  std::atomic<bool> first_ok{false};
  std::atomic<bool> second_ok{false};
  std::atomic<int> parked{0};
  {
    FiberPool pool(2, 1, {});
    pool.enqueue([&] {
      try {
        throw std::runtime_error("first");
      } catch (const std::runtime_error&) {
        ++parked;
        receive_byte(first.gateway, 10000);  // the second task throws and catches meanwhile
        try {
          throw;  // the exception being handled is still this fiber's own
        } catch (const std::runtime_error& e) {
          first_ok = std::string(e.what()) == "first";
        }
      }
    });
    CHECK(eventually([&] { return parked == 1; }));
    pool.enqueue([&] {
      try {
        throw std::logic_error("second");
      } catch (const std::logic_error&) {
        ++parked;
        receive_byte(second.gateway, 10000);
        try {
          throw;
        } catch (const std::logic_error& e) {
          second_ok = std::string(e.what()) == "second";
        }
      }
    });
    CHECK(eventually([&] { return parked == 2; }));
    first.send("1");  // the first resumes while the second is inside its catch block
    CHECK(eventually([&] { return first_ok.load(); }));
    second.send("2");
    pool.shutdown();
  }
  CHECK(first_ok);
  CHECK(second_ok);
}

TEST_CASE("fiber pool: a descriptor closed after a wait and its number reused for another "
          "socket is waited on anew") {
  auto closed = std::make_unique<test::SocketPair>();
  const int number = closed->gateway;
  std::atomic<int> stage{0};
  std::unique_ptr<test::SocketPair> reused;
  std::atomic<char> got{0};
  FiberPool pool(2, 1, {});
  pool.enqueue([&] {
    CHECK(receive_byte(number, 20) == 0);  // times out: the descriptor stays registered
    closed.reset();                         // closing it drops the registration
    reused = std::make_unique<test::SocketPair>();
    if (reused->gateway != number) {  // the new socket takes the old number
      CHECK(::dup2(reused->gateway, number) == number);
      ::close(reused->gateway);
      reused->gateway = number;
    }
    stage = 1;
    got = receive_byte(number, 10000);
  });
  CHECK(eventually([&] { return stage == 1; }));
  // The reused number is waited on through epoll, not a poll that blocks the thread: a
  // task started meanwhile on the same thread runs.
  std::atomic<bool> other_ran{false};
  pool.enqueue([&] { other_ran = true; });
  CHECK(eventually([&] { return other_ran.load(); }));
  reused->send("r");
  pool.shutdown();
  CHECK(got == 'r');
}

TEST_CASE("fiber pool: a watched descriptor wakes on every new byte, sees at once what is left "
          "unread, and does not wake on a readiness it has already taken") {
  test::SocketPair pair;
  pair.send("ab");  // before the watch: the registration itself reports it
  char first = 0;
  char second = 0;
  long long stale_wait_ms = -1;
  int writable = -1;
  std::atomic<int> stage{0};
  std::atomic<char> third{0};
  FiberPool pool(2, 1, {});
  pool.enqueue([&] {
    watch_descriptor(pair.gateway);
    first = receive_byte(pair.gateway, 1000);
    second = receive_byte(pair.gateway, 1000);  // left unread, and no drain reported
    // Empty now, though the readiness reported earlier was never said drained: the
    // wait asks poll(2) and sleeps its whole timeout rather than wake for nothing.
    auto start = Clock::now();
    CHECK(receive_byte(pair.gateway, 50) == 0);
    stale_wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    // That cleared the readiness to read, not the readiness to write.
    pollfd out{pair.gateway, POLLOUT, 0};
    writable = wait_for_events(&out, 1, 5000);
    descriptor_drained(pair.gateway, POLLIN);
    stage = 1;
    third = receive_byte(pair.gateway, 10000);
    forget_descriptor(pair.gateway);
  });
  CHECK(eventually([&] { return stage == 1; }));
  pair.send("c");
  pool.shutdown();
  CHECK(first == 'a');
  CHECK(second == 'b');
  CHECK(stale_wait_ms >= 50);
  CHECK(writable == 1);
  CHECK(third == 'c');
}

TEST_CASE("fiber pool: a watched descriptor's end of input is seen after a read that "
          "came short of it and reported a drain") {
  test::SocketPair pair;
  pair.send("ab");
  ::shutdown(pair.client, SHUT_WR);  // its end comes with the bytes, in one report
  std::atomic<int> read{-1};
  std::atomic<int> woken{-1};
  std::atomic<int> at_end{-1};
  FiberPool pool(2, 1, {});
  pool.enqueue([&] {
    watch_descriptor(pair.gateway);
    pollfd in{pair.gateway, POLLIN, 0};
    CHECK(wait_for_events(&in, 1, 5000) == 1);
    char buffer[64];
    read = static_cast<int>(::recv(pair.gateway, buffer, sizeof buffer, MSG_DONTWAIT));
    descriptor_drained(pair.gateway, POLLIN);  // short: all the bytes there were
    // Not a wait for the timeout: the end of the input is there to be read.
    woken = wait_for_events(&in, 1, 10000);
    at_end = static_cast<int>(::recv(pair.gateway, buffer, sizeof buffer, MSG_DONTWAIT));
    forget_descriptor(pair.gateway);
  });
  pool.shutdown();
  CHECK(read == 2);
  CHECK(woken == 1);
  CHECK(at_end == 0);
}

TEST_CASE("fiber pool: shutdown runs every task enqueued to its end, off fibers a wait is poll") {
  std::atomic<int> ended{0};
  {
    FiberPool pool(1, 1, {});
    for (int i = 0; i < 3; ++i) {
      pool.enqueue([&] {
        test::SocketPair idle;
        receive_byte(idle.gateway, 10);
        ++ended;
      });
    }
    pool.shutdown();
    CHECK(ended == 3);
  }
  test::SocketPair pair;
  pair.send("p");
  CHECK(receive_byte(pair.gateway, 0) == 'p');
}

TEST_CASE("fiber pool: a task that gets no stack waits and runs once memory allows") {
  // In a child process, whose address space is then limited so that no stack can be
  // mapped: the task must wait, not end the process, and run once the limit is lifted.
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::atomic<bool> ran{false};
    int status = 1;
    {
      FiberPool pool(4, 1, {});  // its thread exists before the limit
      rlimit limit{};
      ::getrlimit(RLIMIT_AS, &limit);
      const rlimit before = limit;
      std::ifstream statm("/proc/self/statm");
      std::size_t pages = 0;
      statm >> pages;
      limit.rlim_cur = pages * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)) + (1 << 20);
      ::setrlimit(RLIMIT_AS, &limit);
      pool.enqueue([&] { ran = true; });
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      const bool waited = !ran;
      ::setrlimit(RLIMIT_AS, &before);
      for (int i = 0; i < 2000 && !ran; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      status = waited && ran ? 0 : 2;
      pool.shutdown();
    }
    ::_exit(status);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("fiber pool: a task that never waits lets the others of its thread run when it "
          "yields") {
  std::atomic<bool> other_ran{false};
  std::atomic<bool> busy_saw_it{false};
  {
    FiberPool pool(2, 1, {});
    pool.enqueue([&] {
      // Like a relay whose provider never makes it wait: busy for up to 5 s, yielding.
      auto until = Clock::now() + std::chrono::seconds(5);
      while (!other_ran && Clock::now() < until) {
        yield_if_due();
      }
      busy_saw_it = other_ran.load();
    });
    pool.enqueue([&] {
      pollfd none{-1, 0, 0};
      wait_for_events(&none, 1, 10);  // a timer, which only the thread's loop can expire
      other_ran = true;
    });
    pool.shutdown();
  }
  CHECK(other_ran);
  CHECK(busy_saw_it);
}
