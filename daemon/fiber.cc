#include "daemon/fiber.h"

#include <cxxabi.h>
#include <sys/mman.h>

#include <cstdint>
#include <utility>

namespace llmgw::daemon {

namespace {

constexpr std::size_t k_stack_bytes = 8 << 20;  // a thread's default: the same depth as before
constexpr std::size_t k_guard_bytes = 4096;

ExceptionState& thread_exception_state() {
  return *reinterpret_cast<ExceptionState*>(abi::__cxa_get_globals());
}

void run_fiber(unsigned high, unsigned low) {
  auto* fiber = reinterpret_cast<Fiber*>((static_cast<std::uintptr_t>(high) << 32) | low);
  fiber->task();  // an exception escaping a task ends the daemon, as on a thread
  fiber->task = nullptr;
  fiber->ended = true;
}  // switches to uc_link: the scheduler, in resume()

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

Fiber::Fiber(std::function<void()> task_to_run, char* stack_to_use, ucontext_t* back)
    : stack(stack_to_use), task(std::move(task_to_run)) {
  ::getcontext(&context);
  context.uc_stack.ss_sp = stack + k_guard_bytes;
  context.uc_stack.ss_size = k_stack_bytes - k_guard_bytes;
  context.uc_link = back;  // where the task's function returns to
  auto address = reinterpret_cast<std::uintptr_t>(this);
  ::makecontext(&context, reinterpret_cast<void (*)()>(&run_fiber), 2,
                static_cast<unsigned>(address >> 32), static_cast<unsigned>(address));
}

void Fiber::resume(ucontext_t& from) {
  std::swap(thread_exception_state(), exceptions);
  ::swapcontext(&from, &context);
  std::swap(thread_exception_state(), exceptions);
}

void Fiber::suspend(ucontext_t& to) {
  ::swapcontext(&context, &to);
}

}  // namespace llmgw::daemon
