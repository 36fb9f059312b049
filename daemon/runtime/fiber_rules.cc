#include "daemon/runtime/fiber_rules.h"

#include "daemon/runtime/fiber_scheduler.h"

namespace llmgw::daemon {

void assert_may_block() {
  assert(!on_fiber() && "a fiber may not make a call that blocks its thread for long");
}

}  // namespace llmgw::daemon
