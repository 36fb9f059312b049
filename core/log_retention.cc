#include "core/log_retention.h"

#include "core/usage_rollup.h"

namespace llmgw {

namespace {

// Rolls up the rows that were not rolled up when it started; rows the daemon logs
// meanwhile are left to it, so this ends however busy the gateway is.
void roll_up_pending(Store& store, std::int64_t batch) {
  auto& pending = store.statement(
      "SELECT count(*) FROM request_log WHERE id > (SELECT log_id FROM usage_rollup_progress)");
  pending.executeStep();
  std::int64_t left = pending.getColumn(0).getInt64();
  pending.reset();
  while (left > 0) {
    std::int64_t added = roll_up_log(store, batch);
    if (added == 0) {
      return;  // the daemon rolled up the rest
    }
    left -= added;
  }
}

}  // namespace

Timestamp prune_cutoff(Timestamp before) {
  Timestamp into_hour = before % k_ms_per_hour;
  return before - (into_hour < 0 ? into_hour + k_ms_per_hour : into_hour);
}

std::int64_t count_log_before(Store& store, Timestamp before) {
  auto& count = store.statement("SELECT count(*) FROM request_log WHERE time < ?");
  count.bind(1, static_cast<std::int64_t>(prune_cutoff(before)));
  count.executeStep();
  std::int64_t rows = count.getColumn(0).getInt64();
  count.reset();
  return rows;
}

std::int64_t prune_log(Store& store, Timestamp before, std::int64_t batch) {
  roll_up_pending(store, batch);
  // Oldest first through request_log_by_time, never past the roll-up's progress, so a
  // row that reports still read from the log is never deleted.
  auto& remove = store.statement(
      "DELETE FROM request_log WHERE id IN (SELECT id FROM request_log WHERE time < ?1 "
      "AND id <= (SELECT log_id FROM usage_rollup_progress) ORDER BY time LIMIT ?2)");
  std::int64_t deleted = 0;
  while (true) {
    auto tx = store.write_transaction();
    remove.bind(1, static_cast<std::int64_t>(prune_cutoff(before)));
    remove.bind(2, batch);
    std::int64_t rows = remove.exec();
    remove.reset();
    tx.commit();
    deleted += rows;
    if (rows < batch) {
      return deleted;
    }
  }
}

}  // namespace llmgw
