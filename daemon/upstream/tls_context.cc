#include "daemon/upstream/tls_context.h"

#include "core/error.h"

#include <openssl/err.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace llmgw::daemon {

namespace {

SocketBioState* state_of(BIO* bio) { return static_cast<SocketBioState*>(BIO_get_data(bio)); }

bool would_block(int error) { return error == EAGAIN || error == EWOULDBLOCK || error == EINTR; }

int bio_write(BIO* bio, const char* data, int length) {
  SocketBioState* state = state_of(bio);
  BIO_clear_retry_flags(bio);
  ssize_t n = ::send(state->fd, data, static_cast<std::size_t>(length), MSG_NOSIGNAL);
  if (n < 0) {
    state->last_errno = errno;
    if (would_block(state->last_errno)) {
      BIO_set_retry_write(bio);
    }
    return -1;
  }
  return static_cast<int>(n);
}

int bio_read(BIO* bio, char* data, int length) {
  SocketBioState* state = state_of(bio);
  BIO_clear_retry_flags(bio);
  ssize_t n = ::recv(state->fd, data, static_cast<std::size_t>(length), 0);
  if (n < 0) {
    state->last_errno = errno;
    if (would_block(state->last_errno)) {
      BIO_set_retry_read(bio);
    }
    return -1;
  }
  return static_cast<int>(n);
}

long bio_ctrl(BIO*, int command, long, void*) {
  // The TLS layer only needs flush (send() has no buffer to flush) and dup.
  return command == BIO_CTRL_FLUSH || command == BIO_CTRL_DUP ? 1 : 0;
}

int bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

BIO_METHOD* socket_bio_method() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "llmgw socket");
    BIO_meth_set_write(m, bio_write);
    BIO_meth_set_read(m, bio_read);
    BIO_meth_set_ctrl(m, bio_ctrl);
    BIO_meth_set_create(m, bio_create);
    return m;
  }();
  return method;
}

}  // namespace

TlsContext::TlsContext(const TlsConfig& config) : m_ctx(SSL_CTX_new(TLS_client_method())) {
  if (!m_ctx) {
    throw_io("cannot create a TLS context");
  }
  SSL_CTX* ctx = m_ctx.get();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  // A body is framed by Content-Length or chunking, so a close without close_notify
  // cannot truncate it unnoticed; the decoder reports a short body as a reset.
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (config.ca_file.empty() && config.ca_dir.empty()) {
    if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
      throw_io("cannot load the system's CA certificates");
    }
  } else if (SSL_CTX_load_verify_locations(
                 ctx, config.ca_file.empty() ? nullptr : config.ca_file.c_str(),
                 config.ca_dir.empty() ? nullptr : config.ca_dir.c_str()) != 1) {
    ERR_clear_error();
    throw_io("cannot load CA certificates from '" +
             (config.ca_file.empty() ? config.ca_dir : config.ca_file) + "'");
  }
}

void check_ca_file(const std::string& ca_file) {
  if (ca_file.empty()) {
    return;
  }
  int fd = ::open(ca_file.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat status {};
  int error = fd < 0                        ? errno
              : ::fstat(fd, &status) != 0    ? errno
              : S_ISDIR(status.st_mode)      ? EISDIR
                                             : 0;
  if (fd >= 0) {
    ::close(fd);
  }
  if (error != 0) {
    throw_io(fmt::format("cannot read --ca-file '{}': {}", ca_file, std::strerror(error)));
  }
  try {
    TlsContext context(TlsConfig{ca_file});
  } catch (const Error&) {
    throw_io(fmt::format("--ca-file '{}' holds no PEM certificate", ca_file));
  }
}

BIO* new_socket_bio(SocketBioState* state) {
  BIO* bio = BIO_new(socket_bio_method());
  if (bio != nullptr) {
    BIO_set_data(bio, state);
  }
  return bio;
}

}  // namespace llmgw::daemon
