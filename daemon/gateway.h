#pragma once
// daemon/: the gateway itself, over the runtime, HTTP and upstream rooms.
//
// The gateway's request handling, free of the HTTP server around it: authenticate, check
// status, expiry and client address, admit by the key's traffic limits and against its
// budget, apply IAM, route, relay, account.
#include "core/wire/client_request.h"
#include "core/evaluator.h"
#include "daemon/accountant.h"
#include "daemon/exchange.h"
#include "daemon/http/response.h"
#include "daemon/key_directory.h"
#include "daemon/metrics.h"
#include "daemon/serve_options.h"
#include "daemon/traffic.h"
#include "daemon/upstreams.h"

#include <httplib.h>

#include <atomic>
#include <memory>

namespace llmgw::daemon {

class Gateway {
public:
  explicit Gateway(const ServeOptions& options);

  // Before the body of a completion is read: answers `request` from its head and returns
  // true when the head alone refuses it, as completion() would: 401 for a missing,
  // malformed, unknown, disabled, deleted or expired key, 403 for a client address the
  // key's rules refuse, 429 when a traffic limit of the key has no room for one more
  // request, 402 when a budget of the key is spent (usage plus reservations in flight at
  // or over a limit; the request-log row then has no model). False, with `response`
  // untouched, when the body is worth reading. LogRow::no is for a route whose requests do
  // not run (count_tokens): a refusal has no request-log row, and no traffic limit
  // counts it. `connection` is the client's the request came on (null off one): a response
  // that must wait for its request-log row waits there (Exchange::finish).
  enum class LogRow { yes, no };
  bool admit_head(const httplib::Request& request, Response& response,
                  ClientConnection* connection, LogRow log_row = LogRow::yes);
  void completion(const httplib::Request& request, Response& response,
                  ClientConnection* connection, Endpoint endpoint);
  // POST /v1/messages/count_tokens: for a valid key whose budget is not spent, and a model
  // its rules allow, the count of the first allowed Anthropic-kind provider that answers
  // (falling back as a completion does), else, where none serves the model, llmgw's
  // estimate, marked `"estimated": true`. Not a request that runs: nothing is reserved or
  // logged.
  void count_tokens(const httplib::Request& request, Response& response);
  // GET and DELETE /v1/responses/{id}, GET /v1/responses/{id}/input_items: a stored
  // response, forwarded (method, path and query) to the provider that holds it, for the
  // key that made it alone; 404 for any other key and any id llmgw did not log. Nothing is
  // billed or logged but the access-log line.
  void stored_response(const httplib::Request& request, Response& response);
  void models(const httplib::Request& request, Response& response);
  void key_status(const httplib::Request& request, Response& response);
  void ready(const httplib::Request& request, Response& response);
  void metrics(const httplib::Request& request, Response& response);
  // Answers `error` for requests that never reached a handler (404, 405, 413, 500).
  void reject(const httplib::Request& request, Response& response, const HttpError& error);

  // On SIGTERM/SIGINT: requests that arrive from now on are answered 503, so the ones in
  // flight can finish.
  void begin_drain() { m_draining = true; }
  bool draining() const { return m_draining; }
  std::int64_t in_flight() const { return m_metrics.in_flight(); }
  // After the drain deadline, streams still running stop at their next piece.
  void abort_streams() { m_aborting = true; }
  const ServeOptions& options() const { return m_options; }
  std::shared_ptr<const Catalog> catalog() { return m_keys.catalog(); }

private:
  // Throws what a decision that is not `allowed` answers: 400 model_not_found for a model
  // the evaluator does not find (not in the catalog, not served by the named provider, or
  // by no enabled provider), 403 naming the rule for one the key's rules deny.
  static void refuse_unless_allowed(const Decision& decision);
  // The calling key, checked for status and expiry. Throws HttpError 401.
  std::shared_ptr<const KeyConfig> authenticate(const httplib::Request& request, Timestamp now);
  // Throws HttpError 402 when a budget of `key` is spent now, counting the reservations
  // in flight; KeyDirectory::admit() decides again, atomically, when the body is in.
  void refuse_if_spent(const KeyConfig& key, Timestamp now);
  // The most `request` may cost on any of the decision's candidates. Throws HttpError 400
  // when that is more than Money holds, or, for a key with a spending limit, when a
  // candidate leaves the output unbounded.
  Money estimate(const ClientRequest& request, const Decision& decision,
                 const ApiKey& key) const;
  // A Responses request that continues a stored response (previous_response_id) is served
  // only for the key that made that response, and only by the provider that holds it: the
  // decision keeps that provider's candidate alone. Throws HttpError 404 for an id no
  // logged request of this key made (another key's reads as unknown), 400 when the
  // provider that holds it is not among the candidates.
  void pin_to_maker(const ClientRequest& request, const KeyConfig& key, Decision& decision);
  // A fault of llmgw's own: the request ends as a 500 with its row and its reservation
  // settled, and the daemon serves the others. The detail goes to the operator's log only.
  void fail_internally(Exchange& exchange, const httplib::Request& request,
                       const std::exception& error, Response& response);
  // `decision` points into `catalog`, which a configuration change may replace in the
  // directory meanwhile: whatever outlives this call keeps `catalog` alive.
  void forward(Exchange& exchange, ClientRequest& request,
               std::shared_ptr<const Catalog> catalog, const Decision& decision,
               const httplib::Headers& client_headers,
               Response& response, std::shared_ptr<Exchange> owner);
  void relay_whole(Exchange& exchange, const Candidate& candidate, const ClientRequest& request,
                   UpstreamResponse& upstream, Response& response);
  void answer_with_echo(Exchange& exchange, ClientRequest& request, const Candidate& candidate,
                        Response& response, std::shared_ptr<Exchange> owner);

  ServeOptions m_options;
  SystemClock m_clock;
  KeyDirectory m_keys;
  Metrics m_metrics;
  Upstreams m_upstreams;
  SteadyClock m_steady_clock;
  Traffic m_traffic{m_steady_clock};
  std::atomic<bool> m_draining{false};
  std::atomic<bool> m_aborting{false};
  Accountant m_accountant;
};

}  // namespace llmgw::daemon
