#pragma once
// Group commit of usage. Request threads hand in their UsageRecord and wait; one writer
// thread commits everything that queued up meanwhile in one transaction, then settles the
// reservations. A request's log row and its key's usage are therefore durable before the
// request's response ends, and the fsync cost is shared by every request in the batch.
#include "core/store.h"
#include "core/usage.h"
#include "daemon/key_directory.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

namespace llmgw::daemon {

class Accountant {
public:
  Accountant(const std::string& db_path, KeyDirectory& keys);
  ~Accountant();  // commits what is queued, then stops

  // Queues the record and blocks until it is committed (or given up on after retries,
  // which is logged); the reservation is settled either way.
  void record(UsageRecord record, Reservation reservation);

  std::uint64_t committed_batches() const;

private:
  struct Entry {
    UsageRecord record;
    Reservation reservation;
  };
  void run();
  void commit_batch(std::deque<Entry>& batch);

  KeyDirectory& m_keys;
  Store m_store;
  UsageLedger m_ledger;

  mutable std::mutex m_mutex;
  std::condition_variable m_queued;
  std::condition_variable m_done;
  std::deque<Entry> m_queue;
  std::uint64_t m_next_sequence = 0;       // sequence of the last queued entry
  std::uint64_t m_committed_sequence = 0;  // every entry up to here is done
  std::uint64_t m_batches = 0;
  bool m_stopping = false;
  std::thread m_thread;  // last: starts after everything above exists
};

}  // namespace llmgw::daemon
