#include "cli/log_view.h"

#include <fmt/format.h>

#include <array>

namespace llmgw::cli {

namespace {

// Widths fit the usual values (an ISO time with milliseconds, a key id); a longer value
// pushes the rest of its line to the right rather than being cut.
constexpr std::array<std::size_t, 11> k_widths = {24, 16, 24, 10, 6, 8, 10, 8, 14, 8, 0};

std::string line(std::array<std::string, 11> cells, TableLayout layout) {
  for (std::string& cell : cells) {
    cell = cell.empty() ? "-" : cell;
  }
  if (layout == TableLayout::tab_separated) {
    return tab_separated_line({cells.begin(), cells.end()});
  }
  std::string out;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    out += i + 1 < cells.size() ? fmt::format("{:<{}}  ", cells[i], k_widths[i]) : cells[i];
  }
  return out + "\n";
}

nlohmann::json or_null(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

bool yes(Flag f) {
  return f == Flag::yes;
}

}  // namespace

nlohmann::json log_json(const LogEntry& entry) {
  const UsageRecord& r = entry.record;
  return {{"id", entry.id},
          {"request_id", r.request_id},
          {"time", format_iso(r.time)},
          {"key_id", r.key_id},
          {"endpoint", or_null(r.endpoint)},
          {"requested_model", or_null(r.requested_model)},
          {"served_model", or_null(r.served_model)},
          {"provider", or_null(r.provider)},
          {"status", r.status},
          {"error_code", or_null(r.error_code)},
          {"prompt_tokens", r.prompt_tokens},
          {"completion_tokens", r.completion_tokens},
          {"cached_tokens", r.cached_tokens},
          {"cache_write_5m_tokens", r.cache_write_5m_tokens},
          {"cache_write_1h_tokens", r.cache_write_1h_tokens},
          {"reasoning_tokens", r.reasoning_tokens},
          {"cost", r.cost.to_usd()},
          {"estimated", yes(r.estimated)},
          {"streamed", yes(r.streamed)},
          {"cancelled", yes(r.cancelled)},
          {"latency_ms", r.latency_ms},
          {"ttft_ms", r.ttft_ms ? nlohmann::json(*r.ttft_ms) : nlohmann::json(nullptr)},
          {"response_id", or_null(r.response_id)},
          {"client_address", or_null(r.client_address)}};
}

std::string log_header(TableLayout layout) {
  return line({"TIME", "KEY", "MODEL", "PROVIDER", "STATUS", "PROMPT", "COMPLETION", "CACHED",
               "COST", "LATENCY", "ERROR"},
              layout);
}

std::string log_line(const LogEntry& entry, TableLayout layout) {
  const UsageRecord& r = entry.record;
  return line({format_iso(r.time), r.key_id,
               r.served_model.empty() ? r.requested_model : r.served_model, r.provider,
               std::to_string(r.status), std::to_string(r.prompt_tokens),
               std::to_string(r.completion_tokens), std::to_string(r.cached_tokens),
               "$" + r.cost.to_usd(), fmt::format("{}ms", r.latency_ms), r.error_code},
              layout);
}

}  // namespace llmgw::cli
