#pragma once
// One request's usage commit, as its response waits for it. A response must not end
// before its usage is committed (README, "Guarantees"). Rather than sleeping until the commit,
// a request hands its whole response to the ticket and goes on to wait for the
// client's next request; the thread that commits the batch sends the response right
// after the commit. The socket stays open until the ticket is done: the connection calls
// finish() before it writes anything else or closes.
//
// The committing thread never blocks on a client: it sends what the socket takes at
// once, and hands the rest back (the connection's `handback` event turns readable), for
// the connection to send with its own timeouts. The connection does wait for the commit
// when it must write after such a response (the end of a stream, a pipelined request) or
// close.
#include "daemon/runtime/fiber_rules.h"
#include "daemon/runtime/wakeup.h"

#include <optional>
#include <string>

namespace llmgw::daemon {

class CommitTicket {
public:
  // The connection: `response` must reach `socket` once the usage is committed;
  // what the socket does not take at once is left for finish(), and `handback` (an
  // eventfd) is signalled. False when the commit is done already: the caller sends.
  bool hold(int socket, std::string response, int handback);

  // The committing thread: the usage is committed; sends what is held. Never throws.
  void committed();
  // The committing thread: the usage could not be committed. The response must not end:
  // what is held is dropped, and the connection counts as broken. Never throws.
  void given_up();

  // The connection: `event` (an eventfd) is to be signalled once the commit is
  // done, so that the connection can wait for it among other events. False, with no signal,
  // when it is done already (or `event` is not valid).
  bool signal_when_done(int event);

  // Whether committed() or given_up() has run.
  bool done() const { return m_done.posted(); }
  // The connection, giving up on the response (the daemon's drain deadline has
  // passed): once this returns, the committing thread no longer touches the socket, and
  // the connection counts as broken.
  void abandon();
  // Blocks until committed() or given_up() has run (on a fiber, only once either has
  // begun: see signal_when_done()); returns the part of a held response that is still
  // to be sent (empty when all of it went out), or nothing when sending it failed (the
  // connection is broken: nothing may follow on it).
  std::optional<std::string> finish();

private:
  CheckedMutex m_mutex;
  bool m_committed = false;
  bool m_failed = false;   // the held response could not be sent
  std::string m_response;  // held: to be sent at the commit; after it: handed back
  int m_socket = -1;
  int m_handback = -1;
  int m_signal = -1;  // signal_when_done()
  Wakeup m_done;
};

}  // namespace llmgw::daemon
