#include "daemon/upstream/upstream_connection.h"

#include "daemon/runtime/event_signal.h"
#include "daemon/runtime/fiber_scheduler.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace llmgw::daemon {

namespace {

using Clock = std::chrono::steady_clock;

// Large enough for a few TLS records per call, small enough to keep a stream's memory
// bounded and its pieces prompt.
constexpr std::size_t k_read_size = 16 * 1024;

std::string errno_text(int error) { return std::generic_category().message(error); }

std::string openssl_text() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) {
    return "no detail";
  }
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

bool is_ip_literal(const std::string& host) {
  unsigned char address[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), address) == 1 ||
         inet_pton(AF_INET6, host.c_str(), address) == 1;
}

int milliseconds_left(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(left.count(), 0, INT_MAX));
}

// Polls until ready or the deadline; false on timeout. EINTR only shortens the wait.
bool poll_until(int fd, short events, Clock::time_point deadline) {
  while (true) {
    pollfd entry{fd, events, 0};
    int ready = wait_for_events(&entry, 1, milliseconds_left(deadline));
    if (ready >= 0) {
      return ready > 0;  // ready, or an error or hangup that the next call reports
    }
    if (errno != EINTR) {
      return true;
    }
  }
}

class Addresses {
public:
  explicit Addresses(const Origin& origin) {
    if (!on_fiber() || is_ip_literal(origin.host)) {
      m_status = lookup(origin, &m_list);
      return;
    }
    // A lookup can take seconds (a slow or unreachable resolver); on a fiber it would hold
    // up every other fiber of the thread, so it runs on a thread of its own meanwhile.
    int done = ::eventfd(0, EFD_CLOEXEC);
    std::thread resolver;
    if (done >= 0) {
      try {
        resolver = std::thread([&] {
          ::pthread_setname_np(::pthread_self(), "llmgw-resolve");
          m_status = lookup(origin, &m_list);
          signal_event(done);
        });
      } catch (const std::system_error&) {
        ::close(done);
        done = -1;
      }
    }
    if (done < 0) {  // no thread to be had: the lookup holds up this one
      m_status = lookup(origin, &m_list);
      return;
    }
    pollfd entry{done, POLLIN, 0};
    while (wait_for_events(&entry, 1, -1) <= 0) {
    }
    resolver.join();
    ::close(done);
  }
  ~Addresses() {
    if (m_list != nullptr) {
      freeaddrinfo(m_list);
    }
  }
  Addresses(const Addresses&) = delete;
  Addresses& operator=(const Addresses&) = delete;

  int status() const { return m_status; }
  const addrinfo* first() const { return m_list; }

private:
  static int lookup(const Origin& origin, addrinfo** list) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    std::string port = std::to_string(origin.port);
    return getaddrinfo(origin.host.c_str(), port.c_str(), &hints, list);
  }

  addrinfo* m_list = nullptr;
  int m_status = 0;
};

}  // namespace

UpstreamConnection::UpstreamConnection(Key, int fd, std::chrono::milliseconds read_timeout)
    : m_read_timeout(read_timeout) {
  m_socket.fd = fd;
}

UpstreamConnection::~UpstreamConnection() {
  m_ssl.reset();
  // shutdown() reaches the upstream even if a forked child still holds the descriptor.
  ::shutdown(m_socket.fd, SHUT_RDWR);
  ::close(m_socket.fd);
}

std::unique_ptr<UpstreamConnection> UpstreamConnection::open(const Origin& origin,
                                                             const UpstreamTimeouts& timeouts,
                                                             SSL_CTX* tls) {
  auto failure = [&](const std::string& what) {
    return UpstreamError(UpstreamFailure::connect, what, RequestSent::no);
  };
  Addresses addresses(origin);
  if (addresses.status() != 0) {
    throw failure(std::string("cannot resolve the host name: ") + gai_strerror(addresses.status()));
  }
  auto deadline = Clock::now() + timeouts.connect;
  std::string last_error = "no address";
  for (const addrinfo* at = addresses.first(); at != nullptr; at = at->ai_next) {
    int fd = ::socket(at->ai_family, at->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                      at->ai_protocol);
    if (fd < 0) {
      last_error = errno_text(errno);
      continue;
    }
    auto connection = std::make_unique<UpstreamConnection>(Key(), fd, timeouts.read);
    int error = 0;
    if (::connect(fd, at->ai_addr, at->ai_addrlen) != 0) {
      error = errno;
      if (error == EINPROGRESS || error == EINTR) {
        if (!poll_until(fd, POLLOUT, deadline)) {
          throw failure("cannot connect: timed out after " +
                        std::to_string(timeouts.connect.count()) + " ms");
        }
        socklen_t length = sizeof error;
        if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
          error = errno;
        }
      }
    }
    if (error != 0) {
      last_error = errno_text(error);
      continue;
    }
    int on = 1;
    // Requests and stream pieces are small writes that must not wait for Nagle.
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    if (tls != nullptr) {
      connection->handshake(origin, tls, timeouts.connect);
    }
    return connection;
  }
  throw failure("cannot connect: " + last_error);
}

void UpstreamConnection::handshake(const Origin& origin, SSL_CTX* tls,
                                   std::chrono::milliseconds timeout) {
  m_ssl.reset(SSL_new(tls));
  BIO* bio = m_ssl ? new_socket_bio(&m_socket) : nullptr;
  if (bio == nullptr) {
    throw UpstreamError(UpstreamFailure::tls, "cannot set up TLS: " + openssl_text(),
                        RequestSent::no);
  }
  SSL_set_bio(m_ssl.get(), bio, bio);
  SSL* ssl = m_ssl.get();
  if (is_ip_literal(origin.host)) {
    // SNI must not carry an address (RFC 6066); the certificate must name the address.
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), origin.host.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl, origin.host.c_str());
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    SSL_set1_host(ssl, origin.host.c_str());
  }
  auto deadline = Clock::now() + timeout;
  while (true) {
    ERR_clear_error();
    m_socket.last_errno = 0;
    int result = SSL_connect(ssl);
    if (result == 1) {
      return;
    }
    int error = SSL_get_error(ssl, result);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      if (!poll_until(m_socket.fd, error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
        throw UpstreamError(UpstreamFailure::connect,
                            "TLS handshake timed out after " + std::to_string(timeout.count()) + " ms",
                            RequestSent::no);
      }
      continue;
    }
    long verified = SSL_get_verify_result(ssl);
    std::string detail = verified != X509_V_OK
                             ? std::string("certificate verification failed: ") +
                                   X509_verify_cert_error_string(verified)
                         : error == SSL_ERROR_SYSCALL
                             ? "connection lost: " + (m_socket.last_errno != 0
                                                          ? errno_text(m_socket.last_errno)
                                                          : std::string("closed by peer"))
                             : openssl_text();
    ERR_clear_error();
    throw UpstreamError(UpstreamFailure::tls,
                        "TLS handshake failed: " + detail,
                        RequestSent::no);
  }
}

void UpstreamConnection::fail(UpstreamFailure failure, const std::string& what) const {
  throw UpstreamError(failure, what, request_sent());
}

bool UpstreamConnection::wait(short events, std::chrono::milliseconds timeout) const {
  return poll_until(m_socket.fd, events, std::min(Clock::now() + timeout, m_deadline));
}

bool UpstreamConnection::await_input(std::chrono::milliseconds at_most) const {
  if (!buffered().empty() || (m_ssl && SSL_pending(m_ssl.get()) > 0)) {
    return true;
  }
  return wait(POLLIN, at_most);
}

void UpstreamConnection::begin_exchange() {
  m_sent = 0;
  m_received = 0;
}

void UpstreamConnection::write_all(std::string_view data) {
  while (!data.empty()) {
    std::size_t size = std::min<std::size_t>(data.size(), INT_MAX);
    short wait_for = 0;
    ssize_t written = -1;
    if (m_ssl) {
      ERR_clear_error();
      m_socket.last_errno = 0;
      int result = SSL_write(m_ssl.get(), data.data(), static_cast<int>(size));
      if (result > 0) {
        written = result;
      } else {
        int error = SSL_get_error(m_ssl.get(), result);
        if (error == SSL_ERROR_WANT_WRITE || error == SSL_ERROR_WANT_READ) {
          wait_for = error == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN;
        } else if (error == SSL_ERROR_SYSCALL && m_socket.last_errno != 0) {
          fail(UpstreamFailure::reset, "write failed: " + errno_text(m_socket.last_errno));
        } else {
          fail(UpstreamFailure::reset, "TLS write failed: " + openssl_text());
        }
      }
    } else {
      written = ::send(m_socket.fd, data.data(), size, MSG_NOSIGNAL);
      if (written < 0) {
        int error = errno;
        if (error == EAGAIN || error == EWOULDBLOCK) {
          wait_for = POLLOUT;
        } else if (error != EINTR) {
          fail(UpstreamFailure::reset, "write failed: " + errno_text(error));
        }
      }
    }
    if (written > 0) {
      m_sent += static_cast<std::uint64_t>(written);
      data.remove_prefix(static_cast<std::size_t>(written));
    } else if (wait_for != 0 && !wait(wait_for, m_read_timeout)) {
      fail(UpstreamFailure::timeout, "write timed out after " +
                                         std::to_string(m_read_timeout.count()) + " ms");
    }
  }
}

std::size_t UpstreamConnection::read_into(char* data, std::size_t size) {
  while (true) {
    short wait_for = 0;
    if (m_ssl) {
      ERR_clear_error();
      m_socket.last_errno = 0;
      int result = SSL_read(m_ssl.get(), data, static_cast<int>(size));
      if (result > 0) {
        yield_if_due();  // a provider that never makes this wait must not hold the thread
        return static_cast<std::size_t>(result);
      }
      int error = SSL_get_error(m_ssl.get(), result);
      if (error == SSL_ERROR_ZERO_RETURN) {
        return 0;
      }
      if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
        wait_for = error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
      } else if (error == SSL_ERROR_SYSCALL && m_socket.last_errno != 0) {
        fail(UpstreamFailure::reset, "read failed: " + errno_text(m_socket.last_errno));
      } else if (error == SSL_ERROR_SYSCALL) {
        return 0;
      } else {
        fail(UpstreamFailure::reset, "TLS read failed: " + openssl_text());
      }
    } else {
      ssize_t result = ::recv(m_socket.fd, data, size, 0);
      if (result >= 0) {
        yield_if_due();
        return static_cast<std::size_t>(result);
      }
      int error = errno;
      if (error == EAGAIN || error == EWOULDBLOCK) {
        wait_for = POLLIN;
      } else if (error != EINTR) {
        fail(UpstreamFailure::reset, "read failed: " + errno_text(error));
      }
    }
    if (wait_for != 0 && !wait(wait_for, m_read_timeout)) {
      fail(UpstreamFailure::timeout,
           "read timed out after " + std::to_string(m_read_timeout.count()) + " ms");
    }
  }
}

bool UpstreamConnection::fill() {
  if (m_buffer_start == m_buffer.size()) {
    m_buffer.clear();
    m_buffer_start = 0;
  } else if (m_buffer_start > 0) {
    m_buffer.erase(0, m_buffer_start);
    m_buffer_start = 0;
  }
  char chunk[k_read_size];
  std::size_t count = read_into(chunk, sizeof chunk);
  if (count == 0) {
    return false;
  }
  m_received += count;
  m_buffer.append(chunk, count);
  return true;
}

void UpstreamConnection::consume(std::size_t count) {
  m_buffer_start = std::min(m_buffer.size(), m_buffer_start + count);
}

bool UpstreamConnection::usable_when_idle() const {
  if (!buffered().empty() || (m_ssl && SSL_pending(m_ssl.get()) > 0)) {
    return false;
  }
  // Readable while idle means the upstream closed (EOF, reset) or sent bytes nobody
  // asked for: either way the connection cannot carry a request.
  pollfd entry{m_socket.fd, POLLIN, 0};
  return ::poll(&entry, 1, 0) == 0;
}

}  // namespace llmgw::daemon
