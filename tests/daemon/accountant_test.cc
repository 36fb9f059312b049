// The accountant's writer (daemon/accountant.h): a response that waits for its usage
// commit (commit_ticket.h, client_stream.h) reaches the client only after the commit,
// whoever sends it, and a client that does not read does not hold up the writer; the
// roll-ups follow the log.
#include "daemon/accountant.h"
#include "core/store.h"
#include "daemon/http/client_connection.h"
#include "daemon/runtime/commit_ticket.h"
#include "daemon/key_directory.h"
#include "tests/daemon/accountant_support.h"
#include "tests/support/socket_pair.h"
#include "tests/support/temp_dir.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

using namespace llmgw::daemon;
using test::done_soon;
using test::record_named;

namespace {

struct Event {
  int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  ~Event() { ::close(fd); }
  void signal() const {
    std::uint64_t one = 1;
    CHECK(::write(fd, &one, sizeof one) == sizeof one);
  }
  bool signalled() const {
    pollfd p = {fd, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1;
  }
};

}  // namespace

TEST_CASE("commit ticket: a response held before the commit leaves at the commit") {
  test::SocketPair pair;
  Event handback;
  CommitTicket ticket;
  CHECK(ticket.hold(pair.gateway, "HTTP/1.1 200 OK\r\n\r\nbody", handback.fd));
  CHECK_FALSE(ticket.done());
  CHECK(pair.receive(100).empty());
  ticket.committed();
  CHECK(ticket.done());
  CHECK(pair.receive(2000) == "HTTP/1.1 200 OK\r\n\r\nbody");
  CHECK(ticket.finish() == std::string());  // all of it went out
  CHECK_FALSE(handback.signalled());
}

TEST_CASE("commit ticket: once committed, the response is the caller's to send") {
  test::SocketPair pair;
  Event handback;
  CommitTicket ticket;
  ticket.committed();
  CHECK_FALSE(ticket.hold(pair.gateway, "late", handback.fd));
  CHECK(ticket.finish() == std::string());
  CHECK(pair.receive(100).empty());
}

TEST_CASE("commit ticket: what a full socket does not take is handed back, not waited for") {
  test::SocketPair pair;
  int small = 4096;
  REQUIRE(::setsockopt(pair.gateway, SOL_SOCKET, SO_SNDBUF, &small, sizeof small) == 0);
  Event handback;
  CommitTicket ticket;
  const std::string response(4 << 20, 'x');  // far more than the socket buffers hold
  CHECK(ticket.hold(pair.gateway, response, handback.fd));
  ticket.committed();  // returns although the client reads nothing
  CHECK(handback.signalled());
  std::string rest = ticket.finish().value_or("(failed)");
  CHECK_FALSE(rest.empty());
  CHECK(rest.size() < response.size());
  std::string sent = pair.receive(2000);
  CHECK(sent.size() + rest.size() == response.size());
}

TEST_CASE("commit ticket: a client gone before the commit costs the committer nothing, and "
          "the connection is known broken") {
  test::SocketPair pair;
  ::close(pair.client);
  pair.client = -1;
  Event handback;
  CommitTicket ticket;
  CHECK(ticket.hold(pair.gateway, "nobody reads this", handback.fd));
  ticket.committed();
  CHECK(ticket.finish() == std::nullopt);
  CHECK_FALSE(handback.signalled());
}

TEST_CASE("commit ticket: once abandoned, the commit neither sends nor signals") {
  test::SocketPair pair;
  Event handback;
  Event done;
  CommitTicket ticket;
  CHECK(ticket.hold(pair.gateway, "HTTP/1.1 200 OK\r\n\r\nlate", handback.fd));
  CHECK(ticket.signal_when_done(done.fd));
  // The connection gives up (drain deadline) and then closes its socket and events, whose
  // numbers another connection may get at once: the late commit must not touch them.
  ticket.abandon();
  ticket.committed();
  CHECK_FALSE(done.signalled());
  CHECK_FALSE(handback.signalled());
  CHECK(pair.receive(100).empty());
  CHECK(ticket.finish() == std::nullopt);
}

TEST_CASE("accountant: a response waiting for its commit reaches the client only after its row "
          "is committed") {
  test::TempDir dir;
  const std::string db = dir.file("llmgw.db");
  KeyDirectory keys(db);
  Accountant accountant(db, keys);
  SQLite::Database reader(db, SQLite::OPEN_READONLY);
  auto rows_of = [&reader](const std::string& request_id) {
    SQLite::Statement count(reader, "SELECT count(*) FROM request_log WHERE request_id = ?");
    count.bind(1, request_id);
    REQUIRE(count.executeStep());
    return count.getColumn(0).getInt();
  };

  // Another writer holds the database: no commit can happen until it lets go.
  SQLite::Database other(db, SQLite::OPEN_READWRITE);
  other.exec("BEGIN IMMEDIATE");

  test::SocketPair pair;
  Event handback;
  std::thread first([&] { accountant.record(record_named("req_first"), {"key_commitsticket", {}}); });
  std::thread second([&] {
    // What the daemon's connection thread does with a whole response (ClientConnection).
    auto ticket = accountant.submit(record_named("req_second"), {"key_commitsticket", {}});
    if (!ticket->hold(pair.gateway, "response of req_second", handback.fd)) {
      ::send(pair.gateway, "response of req_second", 22, MSG_NOSIGNAL);
    }
    CHECK(ticket->finish() == std::string());
  });

  CHECK(pair.receive(300).empty());
  CHECK(rows_of("req_second") == 0);
  other.exec("ROLLBACK");
  std::string response = pair.receive(10000);
  // The row is there by the time the first byte is.
  CHECK(rows_of("req_second") == 1);
  CHECK(response == "response of req_second");
  first.join();
  second.join();
  CHECK(rows_of("req_first") == 1);
}

namespace {

// What Exchange::finish() does for a request it announced.
std::shared_ptr<CommitTicket> submit_announced(Accountant& accountant, const char* request_id) {
  return accountant.submit(record_named(request_id), {"key_commitsticket", {}}, Announced::yes);
}

// A database, its keys, and an accountant whose small batches wait for announced requests
// far longer than any test lasts (30 s): only records, or a batch of `rows`, end a wait.
struct WaitingAccountant {
  explicit WaitingAccountant(std::size_t rows)
      : keys(db), accountant(db, keys, CommitRetry{}, BatchWait{rows, std::chrono::seconds(30)}) {}
  test::TempDir dir;
  const std::string db = dir.file("llmgw.db");
  KeyDirectory keys;
  Accountant accountant;
};

}  // namespace

TEST_CASE("accountant: a small batch waits for the records of announced requests and commits "
          "them together") {
  WaitingAccountant waiting(8);
  Accountant& accountant = waiting.accountant;
  accountant.announce();
  accountant.announce();
  auto first = submit_announced(accountant, "req_first");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK_FALSE(first->done());  // the other announced request is still under way
  auto second = submit_announced(accountant, "req_second");
  CHECK(done_soon(*first));
  CHECK(done_soon(*second));
  CHECK(accountant.committed_batches() == 1);
}

TEST_CASE("accountant: with no other request announced, or a full batch, nothing waits, an "
          "unannounced record does not count for an announced one") {
  WaitingAccountant waiting(2);
  Accountant& accountant = waiting.accountant;
  accountant.announce();
  auto alone = submit_announced(accountant, "req_alone");
  CHECK(done_soon(*alone));
  CHECK(accountant.committed_batches() == 1);

  for (int i = 0; i < 3; ++i) {
    accountant.announce();
  }
  auto a = submit_announced(accountant, "req_a");
  auto b = submit_announced(accountant, "req_b");
  CHECK(done_soon(*a));  // two rows fill the batch, though one request is still announced
  CHECK(done_soon(*b));
  // An unannounced record (a stream's) does not stand in for the announced one: alone,
  // it waits for it like any small batch...
  auto stream = accountant.submit(record_named("req_stream"), {"key_commitsticket", {}});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK_FALSE(stream->done());
  // ...until it comes.
  auto c = submit_announced(accountant, "req_c");
  CHECK(done_soon(*stream));
  CHECK(done_soon(*c));
  CHECK(accountant.committed_batches() == 3);  // alone, a with b, the stream's with c
}

TEST_CASE("client stream: a response the commit handed back is sent while waiting for the next "
          "request, in order") {
  test::SocketPair pair;
  int small = 4096;
  REQUIRE(::setsockopt(pair.gateway, SOL_SOCKET, SO_SNDBUF, &small, sizeof small) == 0);
  Event interrupt;
  Event stop;
  std::atomic<bool> aborted{false};
  ClientLimits limits;
  ClientConnection stream(pair.gateway, limits, interrupt.fd, aborted);

  const std::string body(2 << 20, 'b');
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                           "\r\n\r\n";
  auto ticket = std::make_shared<CommitTicket>();
  stream.send_after(ticket);
  REQUIRE(stream.write(head, body));
  CHECK(pair.receive(100).empty());  // held for the commit

  ticket->committed();  // sends what fits, hands back the rest
  std::string received;
  std::thread client([&] {
    // Reads the whole response, slowly at first, then asks for the next one.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    while (received.size() < head.size() + body.size()) {
      std::string more = pair.receive(5000);
      if (more.empty()) {
        break;
      }
      received += more;
    }
    ::send(pair.client, "GET /healthz HTTP/1.1\r\n\r\n", 25, MSG_NOSIGNAL);
  });
  CHECK(stream.await_request(std::chrono::milliseconds(10000), stop.fd));
  client.join();
  CHECK(received.size() == head.size() + body.size());
  CHECK(received == head + body);
}

TEST_CASE("accountant: roll-ups catch up with the log within k_rollup_interval, and whole "
          "when it stops") {
  test::TempDir dir;
  const std::string db = dir.file("llmgw.db");
  llmgw::Store created(db);
  SQLite::Database reader(db, SQLite::OPEN_READONLY);
  auto figures = [&reader] {
    return reader.execAndGet("SELECT (SELECT log_id FROM usage_rollup_progress) || ' ' || "
                             "(SELECT coalesce(sum(requests), 0) FROM usage_rollup "
                             "WHERE scope = 'total')")
        .getString();
  };
  {
    KeyDirectory keys(db);
    Accountant accountant(db, keys);
    for (int i = 0; i < 3; ++i) {
      accountant.record(record_named("req_a" + std::to_string(i)), {"key_commitsticket", {}});
    }
    // Idle from here: the writer rolls up once the interval has passed (bounded wait).
    std::string seen;
    for (int i = 0; i < 60 && (seen = figures()) != "3 3"; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(seen == "3 3");
    accountant.record(record_named("req_b"), {"key_commitsticket", {}});
    CHECK(figures() == "3 3");  // within the interval: not yet
  }
  CHECK(figures() == "4 4");  // the writer rolled up the rest as it stopped
}

TEST_CASE("client stream: after a response cut short, nothing more is written") {
  test::SocketPair pair;
  int small = 4096;
  REQUIRE(::setsockopt(pair.gateway, SOL_SOCKET, SO_SNDBUF, &small, sizeof small) == 0);
  Event interrupt;
  std::atomic<bool> aborted{false};
  ClientLimits limits;
  limits.write_timeout = std::chrono::milliseconds(100);
  ClientConnection stream(pair.gateway, limits, interrupt.fd, aborted);

  const std::string body(1 << 20, 'a');
  const std::string first = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                            "\r\n\r\n" + body;
  auto first_commit = std::make_shared<CommitTicket>();
  stream.send_after(first_commit);
  REQUIRE(stream.write(first));
  first_commit->committed();  // sends what fits, hands back the rest
  // The next response (a pipelined request's): the rest of the first cannot be sent
  // within the write timeout, as the client reads nothing meanwhile.
  auto second_commit = std::make_shared<CommitTicket>();
  second_commit->committed();
  stream.send_after(second_commit);
  // The client reads what came of the first, so there is room again; the second must
  // still not follow a first response cut short.
  std::string received = pair.receive(500);
  CHECK(received.size() < first.size());
  const std::string second = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond";
  CHECK_FALSE(stream.write(second));
  CHECK(pair.receive(200).empty());
  CHECK_FALSE(stream.settle());
}

TEST_CASE("accountant: a response whose usage cannot be committed never ends") {
  test::TempDir dir;
  const std::string db = dir.file("llmgw.db");
  {
    llmgw::Store store(db);
    store.db().exec("CREATE TRIGGER refuse_log BEFORE INSERT ON request_log "
                    "BEGIN SELECT RAISE(ABORT, 'disk full'); END");
  }
  KeyDirectory keys(db);
  Accountant accountant(db, keys, CommitRetry{2, std::chrono::milliseconds(10)});
  test::SocketPair pair;
  Event handback;
  auto ticket = accountant.submit(record_named("req_refused"), {"key_commitsticket", {}});
  // Held in time or not (the writer may have given up already), it is never sent, and
  // the connection counts as broken.
  ticket->hold(pair.gateway, "HTTP/1.1 200 OK\r\n\r\nnever", handback.fd);
  CHECK(ticket->finish() == std::nullopt);
  CHECK(pair.receive(200).empty());
}

// A small whole response written to a ClientConnection (on a socket pair) while its commit is
// still to come.
struct PendingResponse {
  const std::string response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  test::SocketPair pair;
  Event interrupt;
  std::atomic<bool> aborted{false};
  ClientLimits limits;
  ClientConnection stream{pair.gateway, limits, interrupt.fd, aborted};
  std::shared_ptr<CommitTicket> commit = std::make_shared<CommitTicket>();

  PendingResponse() {
    stream.send_after(commit);
    REQUIRE(stream.write(response));
  }
};

TEST_CASE("client stream: a response whose commit was given up on is never sent") {
  PendingResponse p;
  p.commit->given_up();
  CHECK_FALSE(p.stream.settle());
  CHECK_FALSE(p.stream.write(p.response));
  CHECK(p.pair.receive(200).empty());
}

TEST_CASE("client stream: past the drain deadline a response still waiting for its commit is "
          "abandoned, and the commit sends nothing after") {
  PendingResponse p;
  std::thread deadline([&p] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    p.aborted = true;  // as ClientServer::abort() does
    p.interrupt.signal();
  });
  CHECK_FALSE(p.stream.settle());  // returns once aborted, though the commit never came
  deadline.join();
  p.commit->committed();  // late: the connection has given the response up
  CHECK(p.pair.receive(200).empty());
}
