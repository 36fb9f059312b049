#include "daemon/accountant.h"

#include "core/usage_rollup.h"
#include "daemon/runtime/event_log.h"

#include <pthread.h>

#include <chrono>
#include <thread>
#include <unordered_map>
#include <vector>

namespace llmgw::daemon {

Accountant::Accountant(const std::string& db_path, KeyDirectory& keys, CommitRetry retry,
                       BatchWait batch)
    : m_keys(keys), m_retry(retry), m_batch(batch), m_store(db_path), m_ledger(m_store) {
  m_store.stamp_commits(false);  // usage only: no configuration changes to announce
  m_writer = std::thread([this] {
    ::pthread_setname_np(::pthread_self(), "llmgw-commit");
    write_while_busy();
  });
}

Accountant::~Accountant() {
  {
    std::lock_guard<CheckedMutex> lock(m_mutex);
    m_stopping = true;
  }
  m_writer_turn.notify_one();
  m_writer.join();
}

void Accountant::announce() {
  std::lock_guard<CheckedMutex> lock(m_mutex);
  ++m_announced;
}

std::shared_ptr<CommitTicket> Accountant::submit(UsageRecord record, Reservation reservation,
                                               Announced announced) {
  auto ticket = std::make_shared<CommitTicket>();
  std::unique_lock<CheckedMutex> lock(m_mutex);
  if (announced == Announced::yes && m_announced > 0) {
    --m_announced;  // first: should queueing throw, no batch waits for this request
  }
  m_records.push_back(std::move(record));
  m_reservations.push_back(std::move(reservation));
  m_tickets.push_back(ticket);
  if (!m_writer_busy) {
    m_writer_busy = true;
    m_writer_turn.notify_one();
  } else if (m_gathering && (m_records.size() >= m_batch.rows || m_announced == 0)) {
    m_writer_turn.notify_one();
  }
  return ticket;
}

void Accountant::record(UsageRecord record, Reservation reservation) {
  submit(std::move(record), std::move(reservation))->finish();
}

void Accountant::write_while_busy() {
  assert_may_block();  // the writer's own thread waits for work, and for batches to fill
  std::unique_lock<CheckedMutex> lock(m_mutex);
  for (;;) {
    auto ready = [this] { return m_writer_busy || m_stopping; };
    if (m_unrolled > 0) {
      m_writer_turn.wait_until(lock, m_rollup_due, ready);
    } else {
      m_writer_turn.wait(lock, ready);
    }
    while (!m_records.empty()) {
      gather(lock);
      commit_queued(lock);
      if (m_unrolled >= k_rollup_rows) {
        roll_up(lock);
      }
    }
    m_writer_busy = false;
    if (m_unrolled > 0 && (m_stopping || std::chrono::steady_clock::now() >= m_rollup_due)) {
      roll_up(lock);
    }
    if (m_stopping) {
      return;  // requests have all ended: nothing is queued
    }
  }
}

void Accountant::gather(std::unique_lock<CheckedMutex>& lock) {
  auto full = [this] {
    return m_records.size() >= m_batch.rows || m_announced == 0 || m_stopping;
  };
  if (full()) {
    return;
  }
  m_gathering = true;
  m_writer_turn.wait_for(lock, m_batch.most, full);
  m_gathering = false;
}

void Accountant::roll_up(std::unique_lock<CheckedMutex>& lock) {
  lock.unlock();
  try {
    while (roll_up_log(m_store, k_rollup_rows) == k_rollup_rows) {
    }
  } catch (const std::exception& e) {
    // Reports stay exact (they add what is not rolled up); the next roll-up catches up.
    log_event(LogLevel::error, "rollup_failed", {{"error", e.what()}});
  }
  lock.lock();
  m_unrolled = 0;
}

void Accountant::commit_queued(std::unique_lock<CheckedMutex>& lock) {
  // The queues take the spares' room, so that a batch's records rarely reallocate it.
  std::vector<UsageRecord> records = std::move(m_spare.records);
  std::vector<Reservation> reservations = std::move(m_spare.reservations);
  std::vector<std::shared_ptr<CommitTicket>> tickets = std::move(m_spare.tickets);
  records.swap(m_records);
  reservations.swap(m_reservations);
  tickets.swap(m_tickets);
  lock.unlock();
  const auto outcomes = commit_batch(records, reservations);
  // Counted before any of its requests hears of it.
  lock.lock();
  ++m_batches;
  lock.unlock();
  for (std::size_t i = 0; i < tickets.size(); ++i) {
    if (outcomes && (*outcomes)[i] == RecordOutcome::committed) {
      tickets[i]->committed();
    } else {
      tickets[i]->given_up();
    }
  }
  const auto rows = static_cast<std::int64_t>(records.size());
  records.clear();
  reservations.clear();
  tickets.clear();
  lock.lock();
  m_spare = {std::move(records), std::move(reservations), std::move(tickets)};
  if (m_unrolled == 0) {
    m_rollup_due = std::chrono::steady_clock::now() + k_rollup_interval;
  }
  m_unrolled += rows;
}

std::uint64_t Accountant::committed_batches() const {
  std::lock_guard<CheckedMutex> lock(m_mutex);
  return m_batches;
}

namespace {

// Why the ledger refused a record, for the operator.
const char* refusal_reason(RecordOutcome outcome) {
  return outcome == RecordOutcome::negative_cost
             ? "its cost is negative"
             : "its key's usage would pass the largest amount llmgw counts";
}

}  // namespace

std::optional<std::vector<RecordOutcome>> Accountant::commit_batch(
    const std::vector<UsageRecord>& records, const std::vector<Reservation>& reservations) {
  std::lock_guard<CheckedMutex> commit(m_keys.commit_mutex());
  std::optional<LedgerCommit> done;
  // Only failures of the database come here; a record that cannot be charged is refused
  // by the ledger itself, and retrying would not change that.
  for (int attempt = 1; attempt <= m_retry.attempts && !done; ++attempt) {
    try {
      done = m_ledger.commit(records);
    } catch (const std::exception& e) {
      log_event(LogLevel::error, "usage_commit_failed",
                {{"attempt", attempt}, {"requests", records.size()}, {"error", e.what()}});
      std::this_thread::sleep_for(m_retry.pause);
    }
  }
  if (!done) {
    log_event(LogLevel::error, "usage_commit_given_up",
              {{"requests", records.size()},
               {"error",
                "their responses are cut off: usage that cannot be recorded is not served"}});
  }
  try {
    if (done) {
      for (std::size_t i = 0; i < records.size(); ++i) {
        if (done->outcomes[i] != RecordOutcome::committed) {
          const UsageRecord& r = records[i];
          log_event(LogLevel::error, "usage_refused",
                    {{"request_id", r.request_id},
                     {"key_id", r.key_id},
                     {"cost", r.cost.to_usd()},
                     {"error", std::string(refusal_reason(done->outcomes[i])) +
                                   ": its response is cut off, as usage that cannot be "
                                   "recorded is not served"}});
        }
      }
    }
    // The ledger returns each key's usage after the batch; a refused record's reservation
    // is released like the others.
    std::unordered_map<std::string, KeyUsage> latest;
    if (done) {
      for (KeyUsage& usage : done->balances) {
        latest[usage.key_id] = std::move(usage);
      }
    }
    for (const Reservation& reservation : reservations) {
      auto found = latest.find(reservation.key_id);
      m_keys.settle(reservation, found == latest.end() ? std::nullopt
                                                       : std::optional<KeyUsage>(found->second));
    }
  } catch (const std::exception& e) {
    // Only memory can run out here; the tickets must complete all the same.
    log_event(LogLevel::error, "usage_settle_failed", {{"error", e.what()}});
  }
  if (!done) {
    return std::nullopt;
  }
  return std::move(done->outcomes);
}

}  // namespace llmgw::daemon
