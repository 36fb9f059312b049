#include "daemon/runtime/fiber.h"

#include <cxxabi.h>
#include <sys/mman.h>

#include <utility>

namespace llmgw::daemon {

namespace {

constexpr std::size_t k_stack_bytes = 8 << 20;  // a thread's default: the same depth as before
constexpr std::size_t k_guard_bytes = 4096;

ExceptionState& thread_exception_state() {
  return *reinterpret_cast<ExceptionState*>(abi::__cxa_get_globals());
}

void run_fiber(void* argument) {
  auto* fiber = static_cast<Fiber*>(argument);
  fiber->task();  // an exception escaping a task ends the daemon, as on a thread
  fiber->task = nullptr;
  fiber->ended = true;
  fiber->suspend(fiber->back);  // for good: the scheduler, in resume(), frees the stack
}

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

Fiber::Fiber(std::function<void()> task_to_run, char* stack_to_use, ExecutionContext& back_to)
    : back(back_to), stack(stack_to_use), task(std::move(task_to_run)) {
  prepare_context(context, stack + k_guard_bytes, k_stack_bytes - k_guard_bytes, &run_fiber, this);
}

void Fiber::resume(ExecutionContext& from) {
  std::swap(thread_exception_state(), exceptions);
  switch_context(from, context);
  std::swap(thread_exception_state(), exceptions);
}

void Fiber::suspend(ExecutionContext& to) {
  switch_context(context, to);
}

}  // namespace llmgw::daemon
