#pragma once
// How `llmgw serve` runs; the CLI fills this from its flags.
#include "core/address.h"
#include "daemon/http_error.h"

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace llmgw::daemon {

enum class AccessLog { on, off };

struct ServeOptions {
  std::string db_path;
  std::string host = "127.0.0.1";
  int port = 8080;
  std::size_t threads = 512;              // requests under way at once, streams included
  std::size_t max_body_bytes = 4 << 20;   // larger request bodies get 413
  std::chrono::milliseconds upstream_connect_timeout{5000};
  std::chrono::milliseconds upstream_read_timeout{120000};
  std::chrono::milliseconds drain_timeout{30000};
  // A client's request line and headers must arrive within header_timeout of the first
  // byte, its body within body_timeout of the head; slower clients get 408 or are closed.
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{60000};
  ErrorFormat error_format = ErrorFormat::automatic;
  AccessLog access_log = AccessLog::on;
  std::string ca_file;                    // extra CA bundle for upstream TLS (tests, private CAs)
  std::vector<Network> trusted_proxies;   // whose X-Forwarded-For is read (client_address.h)
};

}  // namespace llmgw::daemon
