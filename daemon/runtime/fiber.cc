#include "daemon/runtime/fiber.h"

#include "daemon/runtime/fiber_rules.h"

#include <cxxabi.h>
#include <sanitizer/asan_interface.h>
#include <sys/mman.h>

#include <utility>

namespace llmgw::daemon {

namespace {

constexpr std::size_t k_stack_bytes = 8 << 20;  // a thread's default: the same depth as before
constexpr std::size_t k_guard_bytes = 4096;

ExceptionState& thread_exception_state() {
  return *reinterpret_cast<ExceptionState*>(abi::__cxa_get_globals());
}

// The stacks are the scheduler's, which keeps spares: Boost.Context, which frees a
// fiber's stack when it ends, leaves them be.
struct SchedulerStack {
  void deallocate(boost::context::stack_context&) noexcept {}
};

}  // namespace

char* new_fiber_stack() {
  void* memory = ::mmap(nullptr, k_stack_bytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (memory == MAP_FAILED) {
    return nullptr;
  }
  // The lowest page is a guard: an overflow faults instead of writing over other memory.
  if (::mprotect(memory, k_guard_bytes, PROT_NONE) != 0) {
    ::munmap(memory, k_stack_bytes);
    return nullptr;
  }
  return static_cast<char*>(memory);
}

void free_fiber_stack(char* stack) {
  ::munmap(stack, k_stack_bytes);
}

Fiber::Fiber(std::function<void()> task_to_run, char* stack_to_use)
    : stack(stack_to_use), task(std::move(task_to_run)) {
  // A stack that served another fiber still bears AddressSanitizer's marks of that
  // fiber's frames, which never returned (nothing without the sanitizer).
  ASAN_UNPOISON_MEMORY_REGION(stack + k_guard_bytes, k_stack_bytes - k_guard_bytes);
  boost::context::stack_context usable;
  usable.sp = stack + k_stack_bytes;  // stacks grow down from their top
  usable.size = k_stack_bytes - k_guard_bytes;
  context = boost::context::fiber(std::allocator_arg, boost::context::preallocated(usable.sp, usable.size, usable),
                           SchedulerStack(), [this](boost::context::fiber&& resumer) {
                             caller = std::move(resumer);
                             task();  // an exception escaping a task ends the daemon, as on a thread
                             task = nullptr;
                             ended = true;
                             return std::move(caller);
                           });
}

void Fiber::resume() {
  std::swap(thread_exception_state(), exceptions);
  context = std::move(context).resume();
  std::swap(thread_exception_state(), exceptions);
  if (ended) {
    // Boost's record of the fiber lies on its stack. The fcontext backend has destroyed it
    // already; the ucontext one leaves it to the fiber handle: gone now, before the stack
    // goes back to the scheduler.
    context = boost::context::fiber();
  }
}

void Fiber::suspend() {
  assert_no_mutex_held();
  caller = std::move(caller).resume();
}

}  // namespace llmgw::daemon
