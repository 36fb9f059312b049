#pragma once
// An API key as stored: everything but its secret, which exists only as a hash.
#include "core/money.h"
#include "core/period.h"
#include "core/timestamp.h"
#include "core/traffic_limits.h"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace llmgw {

enum class KeyStatus { active, disabled, deleted };

std::string_view to_string(KeyStatus status);
// Throws Error(invalid) for anything but "active", "disabled", "deleted".
KeyStatus parse_key_status(std::string_view text);

// A recurring spending cap. `usage` counts the window that starts at `window_start`;
// once that window has passed, the usage that counts is zero.
struct PeriodLimit {
  Money amount;
  Period period;
  Timestamp anchor = 0;
  Timestamp window_start = 0;
  Money usage;

  Window window_at(Timestamp now) const { return period.window_at(anchor, now); }
  Money usage_at(Timestamp now) const;
};

struct ApiKey {
  std::string id;
  std::string prefix;
  std::string description;
  KeyStatus status = KeyStatus::active;
  std::optional<Money> usage_limit;  // none: unlimited
  Money usage;
  std::optional<PeriodLimit> period_limit;
  std::optional<Timestamp> expires_at;
  TrafficLimits traffic;  // none: unlimited
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
  std::optional<Timestamp> last_used_at;

  bool expired_at(Timestamp now) const { return expires_at && *expires_at <= now; }
};

// The status the CLI and GET /v1/key show: "expired" for an active key past its expiry
// (the gateway refuses it as it refuses a disabled one), else the stored status.
std::string_view effective_status(const ApiKey& key, Timestamp now);

// Throws Error(invalid) unless 1-255 characters (code points) of valid UTF-8 with no
// control characters.
void validate_description(std::string_view description);

// The key as the CLI's --json and the daemon's GET /v1/key show it. Money is a decimal
// string of USD, times are ISO-8601 UTC, absent values are null. Field names are stable.
// `status` is effective_status; `expired` says whether the expiry has passed whatever the
// status, so a disabled key that needs a new expiry to be enabled again shows it.
nlohmann::json to_json(const ApiKey& key, Timestamp now);
// The same fields as JSON text, `"name":value` pairs joined by commas, without braces, so
// that long lists are written without building a tree (to_json parses this).
void append_json_fields(std::string& out, const ApiKey& key, Timestamp now);

}  // namespace llmgw
