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

}  // namespace

Accountant::Accountant(const std::string& db_path, KeyDirectory& keys)
    : m_keys(keys), m_store(db_path), m_ledger(m_store) {}

void Accountant::record(UsageRecord record, Reservation reservation) {
  std::unique_lock<std::mutex> lock(m_mutex);
  m_records.push_back(std::move(record));
  m_reservations.push_back(std::move(reservation));
  const std::uint64_t sequence = ++m_next_sequence;
  if (m_committing && m_records.size() == m_last_batch_size) {
    m_gathered.notify_one();
  }
  while (m_committed_sequence < sequence) {
    if (m_committing) {
      m_done.wait(lock);
      continue;
    }
    // Lead: commit everything queued, including what others queued meanwhile.
    m_committing = true;
    if (m_last_batch_size > 1) {
      m_gathered.wait_for(lock, k_gather_window,
                          [this] { return m_records.size() >= m_last_batch_size; });
    }
    m_last_batch_size = m_records.size();
    std::vector<UsageRecord> records;
    std::vector<Reservation> reservations;
    records.swap(m_records);
    reservations.swap(m_reservations);
    const std::uint64_t last = m_next_sequence;
    lock.unlock();
    commit_batch(records, reservations);
    lock.lock();
    m_committed_sequence = last;
    ++m_batches;
    m_committing = false;
    m_done.notify_all();
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
