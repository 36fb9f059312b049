#pragma once
// Switching a thread between stacks in user space, as a fiber needs it: only the registers
// a called function must preserve are saved, on the stack being left. swapcontext(3) would
// also save and restore the signal mask, two system calls per switch, and nothing in the
// daemon changes the signal mask of a fiber. On x86-64 and AArch64 the switch is a few
// instructions of assembly; elsewhere it is swapcontext. The C++ runtime's exception
// state is not switched here (Fiber does it). The assembly returns onto another stack,
// which a shadow stack (x86 CET) would refuse: built with shadow-stack support
// (-fcf-protection=full or return), x86-64 keeps swapcontext too.
#include <cstddef>

#if defined(__aarch64__) || (defined(__x86_64__) && !(defined(__CET__) && (__CET__ & 2)))
#define LLMGW_STACK_SWITCH_ASM 1
#else
#include <ucontext.h>
#endif

namespace llmgw::daemon {

// Where a stack that was switched away from resumes. Empty until then: the thread's own
// stack gets one when it first switches to a fiber.
struct ExecutionContext {
#if defined(LLMGW_STACK_SWITCH_ASM)
  void* stack_pointer = nullptr;
#else
  ucontext_t context{};
#endif
};

// Prepares `context` to run `entry(argument)` on the stack of `size` bytes at `base`, once
// switched to. `entry` must never return: it ends by switching away for good.
void prepare_context(ExecutionContext& context, char* base, std::size_t size,
                     void (*entry)(void*), void* argument);

// Saves where the caller is into `from` and resumes `to`; returns once something switches
// back to `from`.
void switch_context(ExecutionContext& from, ExecutionContext& to);

}  // namespace llmgw::daemon
