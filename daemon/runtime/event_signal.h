#pragma once
// Eventfd counters used as signals between threads and fibers: one side signals, the
// waiter polls the descriptor and, where it is waited on again, resets it.
namespace llmgw::daemon {

// Adds one to the counter of the eventfd `event`. Cannot fail short of a bad descriptor
// (a counter cannot overflow from these writes), so nothing is reported.
void signal_event(int event);

// Takes the counter of the eventfd `event` back to zero; a non-blocking one that was not
// signalled stays as it is.
void reset_event(int event);

}  // namespace llmgw::daemon
