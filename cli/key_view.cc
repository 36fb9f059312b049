#include "cli/key_view.h"

#include "cli/output.h"

#include <fmt/format.h>

namespace llmgw::cli {

namespace {

std::string usd(Money m) {
  return "$" + m.to_usd();
}

std::string limit_text(const std::optional<Money>& limit) {
  return limit ? usd(*limit) : "unlimited";
}

std::string period_text(const ApiKey& key, Timestamp now) {
  if (!key.period_limit) {
    return "-";
  }
  const PeriodLimit& p = *key.period_limit;
  return fmt::format("{} / {} per {}", usd(p.usage_at(now)), usd(p.amount), p.period.to_string());
}

std::string time_text(const std::optional<Timestamp>& t) {
  return t ? format_iso(*t) : "never";
}

}  // namespace

Table key_table(const std::vector<ApiKey>& keys, Timestamp now,
                             const std::map<std::string, std::size_t>& rule_counts) {
  Table table({"ID", "PREFIX", "STATUS", "USAGE", "LIMIT", "PERIOD", "TRAFFIC", "EXPIRES",
               "RULES", "DESCRIPTION"});
  for (const ApiKey& key : keys) {
    auto rules = rule_counts.find(key.id);
    table.add({key.id, key.prefix + "...", std::string(effective_status(key, now)), usd(key.usage),
               limit_text(key.usage_limit), period_text(key, now), traffic_text(key.traffic),
               time_text(key.expires_at),
               std::to_string(rules == rule_counts.end() ? 0 : rules->second), key.description});
  }
  return table;
}

std::string render_key_fields(const ApiKey& key, Timestamp now, std::size_t rule_count) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"id", key.id},
      {"prefix", key.prefix + "..."},
      {"description", key.description},
      {"status", std::string(effective_status(key, now))},
      {"usage", usd(key.usage)},
      {"usage limit", limit_text(key.usage_limit)},
      {"period limit", period_text(key, now)},
  };
  if (key.period_limit) {
    fields.emplace_back("period resets", format_iso(key.period_limit->window_at(now).end));
  }
  fields.insert(fields.end(), {
                                  {"traffic limits", traffic_text(key.traffic)},
                                  {"expires", time_text(key.expires_at)},
                                  {"rules", std::to_string(rule_count)},
                                  {"created", format_iso(key.created_at)},
                                  {"updated", format_iso(key.updated_at)},
                                  {"last used", time_text(key.last_used_at)},
                              });
  return render_fields(fields);
}

}  // namespace llmgw::cli
