#pragma once
// Group commit of usage, on a writer thread of its own. A request hands in its UsageRecord
// and gets a CommitTicket at once; the writer commits everything queued in one
// transaction per batch, settles the reservations and completes the tickets, which sends
// each response that was waiting for its commit (see CommitTicket). A request's log row
// and its key's usage are durable before its response ends, yet a request does
// not sleep until its commit: it renders and hands over its response while the writer
// commits, and goes back to its connection (it does wait when it must write after that
// response: the end of a stream, a pipelined request, or before closing).
//
// A transaction costs far more than a row (page writes and locks, and every page it
// changes goes to the WAL and then to disk whole).
// Batches form by themselves: what arrives while one commits is the next batch. Besides,
// while non-streamed requests are under way (announced once their body is parsed), the
// writer waits up to BatchWait::most for a small batch to fill up to BatchWait::rows, or
// for every announced request to hand its record in. A lone client never waits (no other
// request is under way), and streams, which may last minutes, are not announced; with
// requests to slow providers under way, a small batch waits the whole BatchWait::most,
// next to their seconds. What batching and the writer thread gained is in bench/README.md
// ("Figures behind the design").
//
// The writer also keeps the hourly roll-ups (core/usage_rollup.h), apart from the
// requests' commits: once k_rollup_rows rows are logged, or k_rollup_interval after the
// first of fewer, and when it stops.
#include "core/store.h"
#include "core/usage.h"
#include "daemon/key_directory.h"
#include "daemon/runtime/commit_ticket.h"
#include "daemon/runtime/fiber_rules.h"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace llmgw::daemon {

// How long a batch's commit is retried (the database locked by another process for
// longer than its busy timeout, a full disk) before it is given up on.
struct CommitRetry {
  int attempts = 50;
  std::chrono::milliseconds pause{100};
};

// Whether a record's request was announced (Accountant::announce).
enum class Announced { no, yes };

// How long a small batch waits for the records of announced requests.
struct BatchWait {
  std::size_t rows = 8;                  // a batch this large is committed at once
  std::chrono::microseconds most{200};   // the longest wait for more
};

class Accountant {
public:
  Accountant(const std::string& db_path, KeyDirectory& keys, CommitRetry retry = {},
             BatchWait batch = {});
  // Commits what is still queued, then stops the writer thread.
  ~Accountant();
  Accountant(const Accountant&) = delete;
  Accountant& operator=(const Accountant&) = delete;

  static constexpr std::int64_t k_rollup_rows = 1000;
  static constexpr std::chrono::seconds k_rollup_interval{1};

  // A request is under way that will submit() its record, Announced::yes, soon: until it
  // has, a small batch may wait for it (see BatchWait).
  void announce();
  // Queues the record for the writer. The reservation is settled at the commit, or when
  // the commit is given up on after retries (logged): then the ticket fails, and the
  // response never ends (its connection is closed), since its usage is not recorded. A
  // record that cannot be charged (core/usage.h RecordOutcome) fails the same way at
  // once, alone (logged "usage_refused"); the rest of its batch commits.
  std::shared_ptr<CommitTicket> submit(UsageRecord record, Reservation reservation,
                                       Announced announced = Announced::no);
  // submit(), then waits until the record is committed.
  void record(UsageRecord record, Reservation reservation);

  std::uint64_t committed_batches() const;

private:
  // Commits one batch: what is queued; `lock` is held on entry and on return.
  void commit_queued(std::unique_lock<CheckedMutex>& lock);
  // Commits `records` and settles their `reservations` (same order). Returns each
  // record's outcome (a record that cannot be charged is refused alone, and logged), or
  // nothing when the commit was given up on.
  std::optional<std::vector<RecordOutcome>> commit_batch(
      const std::vector<UsageRecord>& records, const std::vector<Reservation>& reservations);
  // Before a commit, waits for the records of announced requests (see BatchWait); `lock`
  // held on entry and on return.
  void gather(std::unique_lock<CheckedMutex>& lock);
  // The writer thread: commits batch after batch while records keep coming, and rolls up.
  void write_while_busy();
  // Rolls up the rows logged since the last roll-up; `lock` held on entry and on return.
  void roll_up(std::unique_lock<CheckedMutex>& lock);

  KeyDirectory& m_keys;
  CommitRetry m_retry;
  BatchWait m_batch;
  Store m_store;  // used by the writer only
  UsageLedger m_ledger;

  mutable CheckedMutex m_mutex;
  std::condition_variable_any m_writer_turn;
  std::vector<UsageRecord> m_records;  // queued, not yet taken by the writer
  std::vector<Reservation> m_reservations;
  std::vector<std::shared_ptr<CommitTicket>> m_tickets;  // same order
  // The writer's vectors of the last batch, emptied: the next queues take their room.
  struct Queues {
    std::vector<UsageRecord> records;
    std::vector<Reservation> reservations;
    std::vector<std::shared_ptr<CommitTicket>> tickets;
  } m_spare;
  std::uint64_t m_batches = 0;
  std::size_t m_announced = 0;  // announced requests that have not submitted yet
  bool m_gathering = false;     // the writer waits in gather()
  std::int64_t m_unrolled = 0;  // log rows committed since the last roll-up
  std::chrono::steady_clock::time_point m_rollup_due;  // for fewer than k_rollup_rows
  // Woken for what is queued, and not yet idle again. Derivable from the queue, but then
  // every batch's first record signals the condition variable although the writer is
  // busy: 106k -> 85k logged req/s in llmgw_bench_accounting at 64 threads.
  bool m_writer_busy = false;
  bool m_stopping = false;
  std::thread m_writer;  // last: started once everything above exists
};

}  // namespace llmgw::daemon
