#pragma once
// One client request as it moves through the gateway: who sent it, what it reserved, and
// the usage record and access-log line it ends with. `finish()` runs exactly once.
#include "core/usage.h"
#include "daemon/access_log.h"
#include "daemon/http/response.h"
#include "daemon/http_error.h"
#include "daemon/key_directory.h"
#include "daemon/serve_options.h"
#include "daemon/traffic.h"

#include <httplib.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace llmgw::daemon {

class Accountant;
class ClientConnection;
class Metrics;

class Exchange {
public:
  // Gives the request its id, which `response` carries as x-request-id (as the access log
  // and the request log have it).
  Exchange(const httplib::Request& request, Response& response, Metrics& metrics,
           AccessLog access_log);
  ~Exchange();  // finishes, if nobody did, as a cancelled request

  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  SdkClient sdk() const { return m_sdk; }
  const std::string& request_id() const { return m_record.request_id; }
  std::int64_t elapsed_ms() const;

  // Set once the key is known. With an accountant, the request is a proxied one and ends
  // with a row in the request log, and its response on the client's `connection` (null
  // off one) waits for the commit; without, it is only access-logged.
  void authenticated(std::shared_ptr<const KeyConfig> key);
  void authenticated(std::shared_ptr<const KeyConfig> key, Accountant& accountant,
                     ClientConnection* connection);
  // The request will be answered soon, not streamed: the accountant may wait a moment for
  // its record before committing a small batch (Accountant::announce).
  void announce();
  const KeyConfig* key() const { return m_key.get(); }
  void reserved(Reservation reservation) { m_reservation = std::move(reservation); }
  // The request was admitted by its key's traffic limits: finish() finishes `pass` with
  // the tokens the request used.
  void admitted(TrafficPass pass) { m_traffic = std::move(pass); }

  UsageRecord& record() { return m_record; }
  Metrics& metrics() { return m_metrics; }

  // Commits the usage record (when a key was authenticated), settles the reservation,
  // frees the request's traffic slot and writes the access-log line. On a client's connection it returns before the commit,
  // and the response written next waits for it (ClientConnection::send_after); off one it
  // returns once committed. Safe to call more than once; only the first counts.
  void finish(int status, const std::string& code = "");

  // Writes `error` into `response` in the configured shape and finishes with its status.
  void fail(const HttpError& error, ErrorFormat format, Response& response);

private:
  Metrics& m_metrics;
  std::chrono::steady_clock::time_point m_start;
  SdkClient m_sdk;
  std::string m_method;
  std::string m_path;
  std::shared_ptr<const KeyConfig> m_key;
  Accountant* m_accountant = nullptr;
  ClientConnection* m_connection = nullptr;
  bool m_announced = false;
  std::optional<Reservation> m_reservation;
  TrafficPass m_traffic;
  UsageRecord m_record;
  AccessLog m_access_log;
  bool m_finished = false;
};

}  // namespace llmgw::daemon
