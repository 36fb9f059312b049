#pragma once
// How a person sees keys: a table for many, fields for one. Scripts use --json instead.
#include "core/api_key.h"

#include <string>
#include <vector>

namespace llmgw::cli {

std::string render_key_table(const std::vector<ApiKey>& keys, Timestamp now);
std::string render_key_fields(const ApiKey& key, Timestamp now);

}  // namespace llmgw::cli
