#include "daemon/accountant.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <thread>
#include <unordered_map>
#include <vector>

namespace llmgw::daemon {

namespace {

constexpr int k_commit_attempts = 50;
constexpr auto k_retry_pause = std::chrono::milliseconds(100);

// What a waiting thread is woken with.
constexpr std::uint32_t k_committed = 1;  // its record is committed
constexpr std::uint32_t k_lead = 2;       // it leads the next commit

}  // namespace

Accountant::Accountant(const std::string& db_path, KeyDirectory& keys)
    : m_keys(keys), m_store(db_path), m_ledger(m_store) {
  m_store.stamp_commits(false);  // usage only: no configuration changes to announce
}

void Accountant::record(UsageRecord record, Reservation reservation) {
  Wakeup wakeup;
  std::unique_lock<std::mutex> lock(m_mutex);
  m_records.push_back(std::move(record));
  m_reservations.push_back(std::move(reservation));
  m_waiters.push_back(&wakeup);
  if (m_committing) {
    if (m_records.size() == m_last_batch_size) {
      m_gathered.notify_one();
    }
    lock.unlock();
    if (wakeup.wait() == k_committed) {
      return;
    }
    lock.lock();  // handed the lead, with this record still queued
  }
  m_committing = true;
  lead(lock);
}

void Accountant::lead(std::unique_lock<std::mutex>& lock) {
  if (m_last_batch_size > 1) {
    m_gathered.wait_for(lock, k_gather_window,
                        [this] { return m_records.size() >= m_last_batch_size; });
  }
  m_last_batch_size = m_records.size();
  std::vector<UsageRecord> records;
  std::vector<Reservation> reservations;
  std::vector<Wakeup*> waiters;
  records.swap(m_records);
  reservations.swap(m_reservations);
  waiters.swap(m_waiters);
  lock.unlock();
  commit_batch(records, reservations);
  lock.lock();
  ++m_batches;
  // Whoever queued meanwhile leads next; the lead stays taken until that thread has it.
  Wakeup* next = m_waiters.empty() ? nullptr : m_waiters.front();
  m_committing = next != nullptr;
  lock.unlock();
  // waiters.front() is this thread's own (it queued first of its batch).
  for (std::size_t i = 1; i < waiters.size(); ++i) {
    waiters[i]->post(k_committed);
  }
  if (next != nullptr) {
    next->post(k_lead);
  }
}

std::uint64_t Accountant::committed_batches() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_batches;
}

void Accountant::commit_batch(const std::vector<UsageRecord>& records,
                              const std::vector<Reservation>& reservations) {
  std::lock_guard<std::mutex> commit(m_keys.commit_mutex());
  std::vector<KeyUsage> balances;
  for (int attempt = 1; attempt <= k_commit_attempts; ++attempt) {
    try {
      balances = m_ledger.commit(records);
      break;
    } catch (const std::exception& e) {
      std::fputs(fmt::format("{{\"level\":\"error\",\"event\":\"usage_commit_failed\","
                             "\"attempt\":{},\"requests\":{},\"error\":{}}}\n",
                             attempt, records.size(), nlohmann::json(e.what()).dump())
                     .c_str(),
                 stderr);
      std::this_thread::sleep_for(k_retry_pause);
    }
  }
  // The ledger returns each key's usage after its last charge in the batch.
  std::unordered_map<std::string, KeyUsage> latest;
  for (KeyUsage& usage : balances) {
    latest[usage.key_id] = std::move(usage);
  }
  for (const Reservation& reservation : reservations) {
    auto found = latest.find(reservation.key_id);
    m_keys.settle(reservation, found == latest.end() ? std::nullopt
                                                     : std::optional<KeyUsage>(found->second));
  }
}

}  // namespace llmgw::daemon
