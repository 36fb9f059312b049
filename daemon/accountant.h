#pragma once
// Group commit of usage. A request thread hands in its UsageRecord and returns once it is
// committed. The first thread to find no commit under way becomes the leader: it commits
// everything queued so far in one transaction, settles the reservations, wakes the
// threads whose records it committed, and hands the lead to the oldest thread still
// waiting, if any. A lone request commits on its own thread with no hand-off, and under
// load one transaction serves many.
// A request's log row and its key's usage are durable before its response ends.
//
// A transaction costs far more than a row (some 50 us of page writes and locks against a
// few us per row), so under load batches should be large: a leader waits until as many
// records are queued as its predecessor committed, at most k_gather_window (a commit
// delay, like PostgreSQL's commit_delay). A batch of one means no concurrency, so after
// it nobody waits: a lone client's requests commit at once.
#include "core/store.h"
#include "core/usage.h"
#include "daemon/key_directory.h"
#include "daemon/wakeup.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

namespace llmgw::daemon {

class Accountant {
public:
  Accountant(const std::string& db_path, KeyDirectory& keys);

  // Longest a leader waits for expected requests before it commits.
  static constexpr std::chrono::microseconds k_gather_window{200};

  // Blocks until the record is committed (or given up on after retries, which is
  // logged); the reservation is settled either way.
  void record(UsageRecord record, Reservation reservation);

  std::uint64_t committed_batches() const;

private:
  // Commits `records` and settles their `reservations` (same order).
  void commit_batch(const std::vector<UsageRecord>& records,
                    const std::vector<Reservation>& reservations);

  KeyDirectory& m_keys;
  Store m_store;  // used by the leader only
  UsageLedger m_ledger;

  // Leads the commits of what is queued, `lock` held, until its own record is committed.
  void lead(std::unique_lock<std::mutex>& lock);

  mutable std::mutex m_mutex;
  std::condition_variable m_gathered;  // a leader waits here for its batch to fill
  std::vector<UsageRecord> m_records;  // queued, not yet taken by a leader
  std::vector<Reservation> m_reservations;
  std::vector<Wakeup*> m_waiters;  // the threads of the queued records, same order
  std::uint64_t m_batches = 0;
  std::size_t m_last_batch_size = 0;  // what the previous leader committed
  bool m_committing = false;
};

}  // namespace llmgw::daemon
