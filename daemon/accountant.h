#pragma once
// Group commit of usage. A request hands in its UsageRecord and gets a CommitTicket. When
// no commit is under way, the request's own thread commits at once (a lone client never
// waits for a hand-off) and its ticket is done on return. Otherwise the record is queued
// and the call returns: the thread committing now, and after it the accountant's writer
// thread, commit everything queued in one transaction per batch, settle the reservations
// and complete the tickets, which sends each response that was waiting for its commit
// (see CommitTicket). Under load one transaction serves many requests and no request
// thread sleeps until its commit. A request's log row and its key's usage are durable
// before its response ends.
//
// A transaction costs far more than a row (some 50 us of page writes and locks against a
// few us per row). Batches form by themselves: what arrives while one commits is the
// next batch. (A commit delay, waiting for more records before committing, measured no
// better once request threads stopped waiting for their commits.)
#include "core/store.h"
#include "core/usage.h"
#include "daemon/commit_ticket.h"
#include "daemon/key_directory.h"

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace llmgw::daemon {

class Accountant {
public:
  Accountant(const std::string& db_path, KeyDirectory& keys);
  // Commits what is still queued, then stops the writer thread.
  ~Accountant();
  Accountant(const Accountant&) = delete;
  Accountant& operator=(const Accountant&) = delete;

  // Queues the record, or commits it at once when nothing else is being committed. The
  // reservation is settled at the commit (or when the commit is given up on after
  // retries, which is logged).
  std::shared_ptr<CommitTicket> submit(UsageRecord record, Reservation reservation);
  // submit(), then waits until the record is committed.
  void record(UsageRecord record, Reservation reservation);

  std::uint64_t committed_batches() const;

private:
  // Commits one batch of what is queued; `lock` is held on entry and on return.
  void commit_queued(std::unique_lock<std::mutex>& lock);
  // Commits `records` and settles their `reservations` (same order).
  void commit_batch(const std::vector<UsageRecord>& records,
                    const std::vector<Reservation>& reservations);
  // The writer thread: commits batch after batch while records keep coming.
  void write_while_busy();

  KeyDirectory& m_keys;
  Store m_store;  // used by the committing thread only
  UsageLedger m_ledger;

  mutable std::mutex m_mutex;
  std::condition_variable m_writer_turn;
  std::vector<UsageRecord> m_records;  // queued, not yet taken by a committer
  std::vector<Reservation> m_reservations;
  std::vector<std::shared_ptr<CommitTicket>> m_tickets;  // same order
  std::uint64_t m_batches = 0;
  bool m_committing = false;  // a request's thread or the writer commits; others queue
  bool m_writer_busy = false;  // the writer has taken over from a request's thread
  bool m_stopping = false;
  std::thread m_writer;  // last: started once everything above exists
};

}  // namespace llmgw::daemon
