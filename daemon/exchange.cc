#include "daemon/exchange.h"

#include "core/logged_string.h"
#include "core/random.h"
#include "daemon/accountant.h"
#include "daemon/http/client_connection.h"
#include "daemon/http/header_scan.h"
#include "daemon/metrics.h"

namespace llmgw::daemon {

Exchange::Exchange(const httplib::Request& request, Response& response, Metrics& metrics,
                   AccessLog access_log)
    : m_metrics(metrics),
      m_start(std::chrono::steady_clock::now()),
      m_sdk(find_header(request.headers, "X-Stainless-Lang") != nullptr ? SdkClient::yes
                                                                          : SdkClient::no),
      m_method(request.method),
      m_path(logged_string(request.path)),
      m_access_log(access_log) {
  m_record.request_id = new_id("req");
  response.headers.erase("x-request-id");  // a handler's, when a 500 replaces its answer
  response.set_header("x-request-id", m_record.request_id);
  m_record.time = SystemClock().now();
  m_record.endpoint = m_path;
  m_record.client_address = request.remote_addr;
  m_metrics.request_started();
}

Exchange::~Exchange() {
  if (!m_finished) {
    m_record.cancelled = Flag::yes;
    finish(499, "client_closed_request");
  }
}

std::int64_t Exchange::elapsed_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               m_start)
      .count();
}

void Exchange::authenticated(std::shared_ptr<const KeyConfig> key) {
  m_record.key_id = key->key.id;
  m_key = std::move(key);
}

void Exchange::authenticated(std::shared_ptr<const KeyConfig> key, Accountant& accountant,
                             ClientConnection* connection) {
  authenticated(std::move(key));
  m_accountant = &accountant;
  m_connection = connection;
}

void Exchange::announce() {
  if (m_accountant != nullptr && !m_announced && !m_finished) {
    m_accountant->announce();  // finish() submits the record, if only from the destructor
    m_announced = true;
  }
}

void Exchange::finish(int status, const std::string& code) {
  if (m_finished) {
    return;
  }
  m_finished = true;
  m_record.status = status;
  m_record.error_code = code;
  m_record.latency_ms = elapsed_ms();
  m_traffic.finish(m_record.prompt_tokens + m_record.completion_tokens);
  if (m_accountant != nullptr) {
    Reservation reservation =
        m_reservation ? std::move(*m_reservation) : Reservation{m_record.key_id, Money()};
    std::shared_ptr<CommitTicket> commit = m_accountant->submit(
        m_record, std::move(reservation), m_announced ? Announced::yes : Announced::no);
    // On a client's connection the response waits for the commit, not this thread.
    if (m_connection != nullptr) {
      m_connection->send_after(std::move(commit));
    } else {
      commit->finish();
    }
  }
  m_metrics.request_finished(m_record);
  if (m_access_log == AccessLog::on) {
    write_access_log(AccessEntry{m_record.request_id, m_method, m_path, status, code,
                                 m_record.key_id, m_record.requested_model, m_record.served_model,
                                 m_record.provider,
                                 m_record.prompt_tokens, m_record.completion_tokens,
                                 m_record.cost, m_record.streamed == Flag::yes,
                                 m_record.cancelled == Flag::yes, m_record.latency_ms,
                                 m_record.client_address});
  }
}

void Exchange::fail(const HttpError& error, ErrorFormat format, Response& response) {
  response.status = error.status();
  if (auto retry = error.extra().find("retry_after"); retry != error.extra().end()) {
    response.set_header("Retry-After", retry->get<std::string>());
  }
  response.set_content(error_body(error, route_error_format(m_path, format), m_sdk),
                       "application/json");
  finish(error.status(), error.code());
}

}  // namespace llmgw::daemon
