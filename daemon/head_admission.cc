// The refusals a completion's head decides alone, made before its body is read, so that a
// client without a usable key, rate or budget cannot make the daemon read or hold a body.
#include "daemon/gateway.h"

#include "core/refusal.h"

namespace llmgw::daemon {

void Gateway::refuse_if_spent(const KeyConfig& key, Timestamp now) {
  KeyDirectory::Balance balance = m_keys.balance(key, now);
  if (auto refusal = budget_refusal(key.key, balance.usage, balance.period_usage,
                                    balance.reserved, now)) {
    throw HttpError(refusal->status, refusal->code, refusal->message, refusal->extra);
  }
}

bool Gateway::admit_head(const httplib::Request& request, Response& response,
                         ClientConnection* connection, LogRow log_row) {
  std::shared_ptr<const KeyConfig> key;
  try {
    Timestamp now = m_clock.now();
    key = authenticate(request, now);
    if (log_row == LogRow::yes) {
      m_traffic.refuse_if_full(key->key, response);
    }
    refuse_if_spent(*key, now);
    return false;
  } catch (const HttpError& e) {
    // Logged as the handler logs the same refusal: a known key's 402 has its row where
    // the route's requests have rows.
    Exchange exchange(request, response, m_metrics, m_options.access_log);
    if (key && log_row == LogRow::yes) {
      exchange.authenticated(key, m_accountant, connection);
    } else if (key) {
      exchange.authenticated(key);
    }
    exchange.fail(e, m_options.error_format, response);
    return true;
  }
}

}  // namespace llmgw::daemon
