#pragma once
// The client side of TLS to providers: one SSL_CTX per pool, peer verification always on,
// and a socket BIO that never raises SIGPIPE.
#include <openssl/ssl.h>

#include <memory>
#include <string>

namespace llmgw::daemon {

// Where trusted CA certificates come from. Both empty: the system's default paths. Tests
// (and operators with a private CA) name a PEM file or a hashed directory instead.
struct TlsConfig {
  std::string ca_file{};  // {} lets callers write TlsConfig{file} warning-free
  std::string ca_dir{};
};

class TlsContext {
public:
  // Throws Error(io) when the configured CA file or directory cannot be loaded.
  explicit TlsContext(const TlsConfig& config);

  // Thread-safe: SSL_new on a configured context only reads it.
  SSL_CTX* get() const { return m_ctx.get(); }

private:
  struct Free {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
  };
  std::unique_ptr<SSL_CTX, Free> m_ctx;
};

// Checks, before the daemon starts, that `ca_file` (none when empty) can be read and holds
// certificates. Throws Error(io) "cannot read --ca-file 'x.pem': No such file or
// directory" (the system's reason), or "--ca-file 'x.pem' holds no PEM certificate".
void check_ca_file(const std::string& ca_file);

// What the socket BIO reads and writes, and the errno of its last failed call (OpenSSL
// may clobber errno before we ask SSL_get_error why a call failed).
struct SocketBioState {
  int fd = -1;
  int last_errno = 0;
};

// A BIO over a non-blocking socket: send() with MSG_NOSIGNAL (OpenSSL's own socket BIO
// uses write(), which raises SIGPIPE on a connection the peer reset). `state` must
// outlive the BIO.
BIO* new_socket_bio(SocketBioState* state);

}  // namespace llmgw::daemon
