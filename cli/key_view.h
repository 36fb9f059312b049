#pragma once
// How a person sees keys: a table for many, fields for one. Scripts use --json instead.
#include "cli/output.h"
#include "core/api_key.h"

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace llmgw::cli {

// `rule_counts`: rules per key id; a key absent from it has none.
Table key_table(const std::vector<ApiKey>& keys, Timestamp now,
                             const std::map<std::string, std::size_t>& rule_counts);
std::string render_key_fields(const ApiKey& key, Timestamp now, std::size_t rule_count);

}  // namespace llmgw::cli
