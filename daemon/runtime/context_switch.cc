#include "daemon/runtime/context_switch.h"

#include <cstdint>
#include <cstring>
#include <new>

#if defined(LLMGW_STACK_SWITCH_ASM)

// llmgw_switch_stack(save, resume): pushes the callee-saved registers on the current stack,
// stores the stack pointer at *save, loads `resume` as the stack pointer and pops what was
// pushed there, returning to whoever switched away from it. A prepared stack holds the
// same frame, returning into llmgw_context_start, which calls the entry function.
extern "C" void llmgw_switch_stack(void** save, void* resume);
extern "C" void llmgw_context_start();

#endif

#if defined(LLMGW_STACK_SWITCH_ASM) && defined(__x86_64__)

// The frame: MXCSR and the x87 control word (8 bytes), r15, r14, r13, r12, rbx, rbp, and
// the return address. After its `ret`, the stack pointer is the prepared stack's top,
// 16-byte aligned, as a call needs it.
asm(R"(
  .pushsection .text
  .globl llmgw_switch_stack
  .hidden llmgw_switch_stack
  .type llmgw_switch_stack, @function
llmgw_switch_stack:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size llmgw_switch_stack, .-llmgw_switch_stack

  .globl llmgw_context_start
  .hidden llmgw_context_start
  .type llmgw_context_start, @function
llmgw_context_start:
  movq %r13, %rdi
  callq *%r12
  ud2
  .size llmgw_context_start, .-llmgw_context_start
  .popsection
)");

namespace {

constexpr std::size_t k_frame_words = 8;

void fill_frame(std::uintptr_t* frame, void (*entry)(void*), void* argument) {
  std::uint32_t mxcsr;
  std::uint16_t control;
  asm volatile("stmxcsr %0" : "=m"(mxcsr));
  asm volatile("fnstcw %0" : "=m"(control));
  std::memcpy(reinterpret_cast<char*>(frame), &mxcsr, sizeof mxcsr);
  std::memcpy(reinterpret_cast<char*>(frame) + 4, &control, sizeof control);
  frame[3] = reinterpret_cast<std::uintptr_t>(argument);  // r13
  frame[4] = reinterpret_cast<std::uintptr_t>(entry);     // r12
  frame[7] = reinterpret_cast<std::uintptr_t>(&llmgw_context_start);
}

}  // namespace

#elif defined(LLMGW_STACK_SWITCH_ASM) && defined(__aarch64__)

// The frame: x19-x28, x29 (frame pointer), x30 (the return address), d8-d15.
asm(R"(
  .pushsection .text
  .globl llmgw_switch_stack
  .hidden llmgw_switch_stack
  .type llmgw_switch_stack, %function
llmgw_switch_stack:
  sub sp, sp, #160
  stp x19, x20, [sp, #0]
  stp x21, x22, [sp, #16]
  stp x23, x24, [sp, #32]
  stp x25, x26, [sp, #48]
  stp x27, x28, [sp, #64]
  stp x29, x30, [sp, #80]
  stp d8, d9, [sp, #96]
  stp d10, d11, [sp, #112]
  stp d12, d13, [sp, #128]
  stp d14, d15, [sp, #144]
  mov x9, sp
  str x9, [x0]
  mov sp, x1
  ldp x19, x20, [sp, #0]
  ldp x21, x22, [sp, #16]
  ldp x23, x24, [sp, #32]
  ldp x25, x26, [sp, #48]
  ldp x27, x28, [sp, #64]
  ldp x29, x30, [sp, #80]
  ldp d8, d9, [sp, #96]
  ldp d10, d11, [sp, #112]
  ldp d12, d13, [sp, #128]
  ldp d14, d15, [sp, #144]
  add sp, sp, #160
  ret
  .size llmgw_switch_stack, .-llmgw_switch_stack

  .globl llmgw_context_start
  .hidden llmgw_context_start
  .type llmgw_context_start, %function
llmgw_context_start:
  mov x0, x20
  blr x19
  brk #0
  .size llmgw_context_start, .-llmgw_context_start
  .popsection
)");

namespace {

constexpr std::size_t k_frame_words = 20;

void fill_frame(std::uintptr_t* frame, void (*entry)(void*), void* argument) {
  frame[0] = reinterpret_cast<std::uintptr_t>(entry);     // x19
  frame[1] = reinterpret_cast<std::uintptr_t>(argument);  // x20
  frame[11] = reinterpret_cast<std::uintptr_t>(&llmgw_context_start);  // x30
}

}  // namespace

#endif

namespace llmgw::daemon {

#if defined(LLMGW_STACK_SWITCH_ASM)

void prepare_context(ExecutionContext& context, char* base, std::size_t size,
                     void (*entry)(void*), void* argument) {
  auto top = (reinterpret_cast<std::uintptr_t>(base) + size) & ~std::uintptr_t{15};
  auto* frame = reinterpret_cast<std::uintptr_t*>(top) - k_frame_words;
  std::memset(frame, 0, k_frame_words * sizeof *frame);
  fill_frame(frame, entry, argument);
  context.stack_pointer = frame;
}

void switch_context(ExecutionContext& from, ExecutionContext& to) {
  llmgw_switch_stack(&from.stack_pointer, to.stack_pointer);
}

#else

namespace {

struct Start {
  void (*entry)(void*);
  void* argument;
};

void start(unsigned high, unsigned low) {
  // Shifted as 64 bits: where a pointer has 32, `high` is 0.
  auto* begin = reinterpret_cast<Start*>(
      static_cast<std::uintptr_t>((static_cast<std::uint64_t>(high) << 32) | low));
  begin->entry(begin->argument);
}

}  // namespace

void prepare_context(ExecutionContext& context, char* base, std::size_t size,
                     void (*entry)(void*), void* argument) {
  // The entry and its argument go at the top of the stack, as makecontext passes ints.
  auto top = (reinterpret_cast<std::uintptr_t>(base) + size - sizeof(Start)) & ~std::uintptr_t{15};
  auto* begin = new (reinterpret_cast<void*>(top)) Start{entry, argument};
  ::getcontext(&context.context);
  context.context.uc_stack.ss_sp = base;
  context.context.uc_stack.ss_size = top - reinterpret_cast<std::uintptr_t>(base);
  context.context.uc_link = nullptr;
  auto address = reinterpret_cast<std::uintptr_t>(begin);
  ::makecontext(&context.context, reinterpret_cast<void (*)()>(&start), 2,
                static_cast<unsigned>(static_cast<std::uint64_t>(address) >> 32),
                static_cast<unsigned>(address));
}

void switch_context(ExecutionContext& from, ExecutionContext& to) {
  ::swapcontext(&from.context, &to.context);
}

#endif

}  // namespace llmgw::daemon
