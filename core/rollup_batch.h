#pragma once
// The hourly roll-up rows (table usage_rollup, migration step 5) that a batch of log rows
// adds to, summed in memory so that each roll-up row is written once per batch rather
// than once per request. A log row counts once in each of six scopes: all keys, per key,
// per model, per provider, per key and model, per key and provider; a scope's other
// dimensions hold ''. The usage_facts view states the same for the backfill and for
// reports' partial hours; tests/unit/usage_rollup_test.cc checks that the two agree.
#include "core/store.h"
#include "core/timestamp.h"
#include "core/usage.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>

namespace llmgw {

class RollupBatch {
public:
  // Keeps views of the record's strings: the records must outlive the batch.
  void add(const UsageRecord& record);
  // Adds the sums to usage_rollup, inside the caller's transaction.
  void write(Store& store) const;

private:
  // (scope, key id, hour, model, provider)
  using Row = std::tuple<std::string_view, std::string_view, Timestamp, std::string_view,
                         std::string_view>;
  struct Sums {
    std::int64_t requests = 0;
    std::int64_t errors = 0;
    std::int64_t prompt_tokens = 0;
    std::int64_t completion_tokens = 0;
    std::int64_t cached_tokens = 0;
    std::int64_t cost = 0;
  };
  std::map<Row, Sums> m_rows;
};

}  // namespace llmgw
