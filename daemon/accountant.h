#pragma once
// Group commit of usage. A request thread hands in its UsageRecord and returns once it is
// committed. The first thread to find no commit under way becomes the leader: it commits
// everything queued so far in one transaction, settles the reservations, and wakes the
// others; whoever is still waiting then leads the next batch. A lone request commits
// on its own thread with no hand-off, and under load one transaction serves many.
// A request's log row and its key's usage are durable before its response ends.
#include "core/store.h"
#include "core/usage.h"
#include "daemon/key_directory.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>

namespace llmgw::daemon {

class Accountant {
public:
  Accountant(const std::string& db_path, KeyDirectory& keys);

  // Blocks until the record is committed (or given up on after retries, which is
  // logged); the reservation is settled either way.
  void record(UsageRecord record, Reservation reservation);

  std::uint64_t committed_batches() const;

private:
  struct Entry {
    UsageRecord record;
    Reservation reservation;
  };
  void commit_batch(std::deque<Entry>& batch);

  KeyDirectory& m_keys;
  Store m_store;  // used by the leader only
  UsageLedger m_ledger;

  mutable std::mutex m_mutex;
  std::condition_variable m_done;
  std::deque<Entry> m_queue;
  std::uint64_t m_next_sequence = 0;       // sequence of the last queued entry
  std::uint64_t m_committed_sequence = 0;  // every entry up to here is done
  std::uint64_t m_batches = 0;
  bool m_committing = false;
};

}  // namespace llmgw::daemon
