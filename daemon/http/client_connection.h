#pragma once
// A client's connection as ClientSession reads and writes it, with its bounds: a deadline
// and a size limit for the request head, and for the body once the head is in, and a way
// to end every wait at once when the daemon shuts down.
// One task (a fiber, see FiberPool) uses it, from accept to close; it keeps bytes read ahead across the
// requests of a keep-alive connection. A response that must wait for its usage commit is
// handed to the commit (see CommitTicket); whatever is written after it waits for it.
#include "core/address.h"
#include "daemon/http/breach.h"
#include "daemon/runtime/commit_ticket.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace llmgw::daemon {

struct ClientLimits {
  std::chrono::milliseconds header_timeout{10000};  // request line and headers, from the first byte
  std::chrono::milliseconds body_timeout{60000};    // the body, from the end of the head
  std::chrono::milliseconds read_timeout{10000};    // any one wait for the client's bytes
  std::chrono::milliseconds write_timeout{30000};   // any one wait for room to write
  std::chrono::milliseconds keep_alive{5000};       // idle time between two requests
  std::chrono::milliseconds first_byte{2000};       // idle time before the first request
  std::size_t max_head_bytes = 32 << 10;
  // Bytes of body on the wire: the --max-body limit plus room for chunk framing.
  std::size_t max_body_bytes = (4 << 20) + (64 << 10);
};

// Where the current request is. The connection may serve another request only when the
// request reached `handled` (its body, if any, was read whole).
enum class RequestPhase { head, body, handled };

class ClientConnection final {
public:
  // `interrupt` is a file descriptor that turns readable when every wait must end (the
  // drain deadline has passed), and `aborted` is true from then on; the connection does not
  // own them, nor `socket`. `peer` is the address accept() gave, nullopt for a socket
  // that is not an IP one (a socket pair in tests).
  ClientConnection(int socket, const ClientLimits& limits, int interrupt,
                   const std::atomic<bool>& aborted, std::optional<IpAddress> peer = std::nullopt);
  ~ClientConnection();
  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

  // Whether the socket can take more bytes (waiting up to the write timeout) and the
  // client has not gone away: its connection shows no error or hang-up. The end of its
  // input does not count: a client that half-closed still reads.
  bool is_writable() const;
  // Writes `first` then `second` whole, in as few segments as the kernel allows (a
  // response's head and body leave in one); with a commit pending, they go to it (see
  // send_after()). False on a failure.
  bool write(std::string_view first, std::string_view second = {});

  // Waits up to `idle` for another request and reads its first bytes (empty lines before
  // it are skipped). False when the client closed or sent nothing in time, or `stop` (a
  // file descriptor) turned readable first.
  // Sends the rest of a response its commit handed back meanwhile.
  bool await_request(std::chrono::milliseconds idle, int stop);
  // The response being written must not end before `commit` is done: its bytes go to
  // the commit, which sends them, and any later write waits for it.
  void send_after(std::shared_ptr<CommitTicket> commit);
  // Waits for the commit of the last response, if any, and sends what it handed back;
  // false when that cannot be sent (and from then on every write fails). Before the
  // socket is closed.
  bool settle();
  // The head of a new request starts: its deadline and size budget start over.
  void begin_head();
  // The head is in. With `body` the body starts (its deadline and budget); without, the
  // request is whole.
  void end_head(bool body);
  // The body was read whole.
  void end_body() { m_phase = RequestPhase::handled; }

  // The bytes read ahead and not taken yet.
  std::string_view buffered() const {
    return std::string_view(m_buffer.data() + m_offset, m_filled - m_offset);
  }
  // Takes `count` bytes of buffered(); they count against the phase's budget.
  void consume(std::size_t count);
  // Reads more bytes into buffered(), waiting for them within the phase's deadline. False
  // at the end of the input, on an error, a timeout or an interrupt, and when buffered()
  // holds the phase's whole budget already (breach() then tells).
  bool read_more();

  RequestPhase phase() const { return m_phase; }
  const ClientLimits& limits() const { return m_limits; }
  // What the current request broke, if anything: a bound a read met, or a rule of its
  // head the session found (refuse()).
  Breach breach() const { return m_breach; }
  void refuse(Breach breach) { m_breach = breach; }
  // The socket's peer, as accept() gave it.
  const std::optional<IpAddress>& peer() const { return m_peer; }

private:
  using Clock = std::chrono::steady_clock;
  // The eventfd a commit signals when it hands bytes back; created at first use.
  int handback();
  // Takes the handback event back to unsignalled.
  void reset_handback();
  // recv() of what the socket has now, up to `room` bytes; a result that found it drained
  // (short, or would block) is told to the fiber scheduler (descriptor_drained).
  ssize_t receive_now(char* into, std::size_t room);
  // Receives what the socket has (waiting for it, within the deadlines) after the bytes
  // in the buffer: recv's result.
  ssize_t receive();
  // Takes the empty lines at the front of buffered(); whether bytes remain.
  bool skip_empty_lines();
  // Waits for the socket's next bytes within the read deadline; false on a timeout
  // (recording a breach of the phase's deadline), an error or an interrupt.
  bool await_input() const;
  // Polls for `events` until `until`; false on timeout, error or interrupt.
  bool wait(short events, Clock::time_point until) const;
  // The deadline of the phase, or of one read when that comes first.
  Clock::time_point read_deadline() const;

  int m_socket;
  std::optional<IpAddress> m_peer;
  int m_interrupt;
  const ClientLimits& m_limits;
  RequestPhase m_phase = RequestPhase::handled;
  Clock::time_point m_phase_deadline;
  std::size_t m_budget = 0;  // bytes the phase may still deliver
  mutable Breach m_breach = Breach::none;
  std::string m_buffer;      // read ahead: the head is parsed where it lies
  std::size_t m_offset = 0;
  std::size_t m_filled = 0;
  const std::atomic<bool>& m_aborted;
  std::shared_ptr<CommitTicket> m_commit;  // of the response written last, until settled
  bool m_commit_holds = false;             // m_commit has that response's bytes
  bool m_broken = false;                   // a response was cut short: nothing may follow
  int m_handback = -1;
};

}  // namespace llmgw::daemon
