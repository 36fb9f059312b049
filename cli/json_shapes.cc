#include "cli/json_shapes.h"

#include <algorithm>

namespace llmgw::cli {

namespace {

using Fields = std::vector<std::string_view>;

// A key (core/api_key.h, to_json) and how many rules it has.
const Fields k_key = {"created_at", "description", "expired",     "expires_at", "id",
                      "last_used_at", "period_limit", "prefix",   "rule_count", "status",
                      "traffic_limits", "updated_at", "usage",    "usage_limit"};
// A rule (core/rule.h, to_json).
const Fields k_rule = {"created_at", "id", "key_id", "status", "type", "value"};
// A provider and a model of the catalog (core/catalog_json.h).
const Fields k_provider = {"api_key_env", "base_url", "enabled", "id",
                           "kind",        "name",     "responses"};
const Fields k_model = {"id", "mappings", "name"};

Fields with(Fields fields, std::initializer_list<std::string_view> more) {
  fields.insert(fields.end(), more);
  std::sort(fields.begin(), fields.end());
  return fields;
}

}  // namespace

const std::vector<JsonShape>& json_shapes() {
  static const std::vector<JsonShape> shapes = {
      {"init", {}, {"database", "schema_version"}},
      {"version", {}, {"build_date", "commit", "schema_version", "sqlite", "version"}},
      {"key create", {}, with(k_key, {"secret"})},
      {"key list", {"keys"}, k_key},
      {"key show", {}, k_key},
      {"key update", {}, k_key},
      {"key enable", {}, k_key},
      {"key disable", {}, k_key},
      {"key delete", {}, with(k_key, {"deleted"})},
      {"key roll", {}, with(k_key, {"secret"})},
      {"key rule list", {"rules"}, k_rule},
      {"key rule add", {"rules"}, k_rule},
      {"key rule delete", {}, with(k_rule, {"deleted"})},
      {"key rule enable", {}, k_rule},
      {"key rule disable", {}, k_rule},
      {"key rule clear", {}, {"key_id", "removed"}},
      {"key check",
       {},
       {"candidates", "decision", "key_id", "model", "provider", "reason", "rule_ids", "status",
        "traffic_limits", "upstream_model"}},
      {"providers", {"providers"}, k_provider},
      {"provider set", {}, k_provider},
      {"catalog export", {}, {"models", "providers"}},
      {"catalog import", {}, {"models", "providers"}},
      {"catalog reset", {}, {"changed"}},
      {"models", {"models"}, k_model},
      {"model add", {}, k_model},
      {"model update", {}, k_model},
      {"model delete", {}, {"model", "model_removed", "provider"}},
      {"usage",
       {"rows", "total"},
       {"cache_write_tokens", "cached_tokens", "completion_tokens", "cost", "day", "errors",
        "hour", "key", "model", "prompt_tokens", "provider", "reasoning_tokens", "requests"}},
      {"logs",
       {},
       {"cache_write_1h_tokens", "cache_write_5m_tokens", "cached_tokens", "cancelled",
        "client_address", "completion_tokens", "cost", "endpoint", "error_code", "estimated", "id",
        "key_id", "latency_ms", "prompt_tokens", "provider", "reasoning_tokens", "request_id",
        "requested_model", "response_id", "served_model", "status", "streamed", "time",
        "ttft_ms"}},
      {"logs prune", {}, {"before", "deleted", "older_than", "would_delete"}},
      {"backup", {}, {"backup", "bytes"}},
      {"doctor", {}, {"checks", "database", "ok", "providers", "service"}},
  };
  return shapes;
}

const JsonShape* find_json_shape(std::string_view command) {
  const std::vector<JsonShape>& shapes = json_shapes();
  auto found = std::find_if(shapes.begin(), shapes.end(),
                            [&](const JsonShape& shape) { return shape.command == command; });
  return found == shapes.end() ? nullptr : &*found;
}

}  // namespace llmgw::cli
