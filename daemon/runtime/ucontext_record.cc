// Built only in the sanitized build (tests/fuzz), where fibers switch through
// Boost.Context's ucontext backend (BOOST_USE_UCONTEXT), the one that tells AddressSanitizer of each
// switch (BOOST_USE_ASAN). Its header declares where a thread keeps the context that runs
// and leaves the definition to the library, and Debian's library is built for the other
// backend (fcontext), so it is defined here: one record per thread, starting as the
// thread's own stack.
#include <boost/context/fiber.hpp>

namespace boost::context::detail {

fiber_activation_record*& fiber_activation_record::current() noexcept {
  thread_local fiber_activation_record thread_stack;
  thread_local fiber_activation_record* running = &thread_stack;
  return running;
}

}  // namespace boost::context::detail
