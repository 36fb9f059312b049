#include "daemon/server.h"

#include "core/error.h"
#include "core/logged_string.h"
#include "core/random.h"
#include "core/store.h"
#include "daemon/http/client_server.h"
#include "daemon/http/listener.h"
#include "daemon/runtime/event_log.h"
#include "daemon/gateway.h"
#include "daemon/request_framing.h"
#include "daemon/upstream/tls_context.h"

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <malloc.h>
#include <mutex>
#include <optional>
#include <pthread.h>
#include <unistd.h>
#include <thread>

namespace llmgw::daemon {

namespace {

// After the drain deadline, how long streams have to notice it before connections are cut.
constexpr std::chrono::seconds k_abort_grace{1};

// A chunked body's framing (sizes, extensions, CRLFs, trailers) on top of --max-body.
constexpr std::size_t k_chunk_framing_allowance = 64 << 10;

HttpError error_for_status(int status) {
  switch (status) {
    case 400:
      return HttpError(400, "bad_request", "Malformed HTTP request");
    case 404:
      return HttpError(404, "not_found", "Not found");
    case 413:
      return HttpError(413, "request_too_large", "Request body is larger than the limit");
    case 414:
      return HttpError(414, "uri_too_long", "Request URI is too long");
    default:
      return HttpError(status, "http_error", fmt::format("HTTP error {}", status));
  }
}

// What a client whose request broke a bound of its connection or a rule of its head is
// told (when the connection is not simply closed: a request line that never ends gets no
// answer).
std::optional<HttpError> error_for_breach(Breach breach) {
  switch (breach) {
    case Breach::head_timeout:
    case Breach::body_timeout:
      return HttpError(408, "request_timeout", "The request did not arrive in time");
    case Breach::head_too_large:
      return HttpError(431, "headers_too_large", "The request headers are too large");
    case Breach::body_too_large:
      return error_for_status(413);
    case Breach::malformed_head:
      return error_for_status(400);
    case Breach::length_and_coding:
    case Breach::several_lengths:
    case Breach::length_not_a_number:
    case Breach::several_codings:
    case Breach::coding_not_chunked:
      return framing_refusal(breach);
    case Breach::none:
      break;
  }
  return std::nullopt;
}

void install_routes(ClientServer& server, Gateway& gateway) {
  using httplib::Request;
  using Connection = ClientConnection;
  Routes& routes = server.routes();
  // A key refused, or its budget spent, is answered from the head, before the body is
  // invited or read.
  Routes::Admission admit_head = [&gateway](const Request& q, Response& r, Connection& c) {
    return gateway.admit_head(q, r, &c);
  };
  auto completion = [&gateway](Endpoint endpoint) {
    return [&gateway, endpoint](const Request& q, Response& r, Connection& c) {
      gateway.completion(q, r, &c, endpoint);
    };
  };
  routes.paths = {
      {"/v1/chat/completions", {{"POST"}, completion(Endpoint::chat), admit_head}},
      {"/v1/embeddings", {{"POST"}, completion(Endpoint::embeddings), admit_head}},
      {"/v1/messages", {{"POST"}, completion(Endpoint::messages), admit_head}},
      {"/v1/responses", {{"POST"}, completion(Endpoint::responses), admit_head}},
      {"/v1/responses/",
       {{"GET", "DELETE"},
        [&gateway](const Request& q, Response& r, Connection&) { gateway.stored_response(q, r); }}},
      {"/v1/messages/count_tokens",
       {{"POST"},
        [&gateway](const Request& q, Response& r, Connection&) { gateway.count_tokens(q, r); },
        [&gateway](const Request& q, Response& r, Connection& c) {
          return gateway.admit_head(q, r, &c, Gateway::LogRow::no);
        }}},
      {"/v1/models",
       {{"GET"}, [&gateway](const Request& q, Response& r, Connection&) { gateway.models(q, r); }}},
      {"/v1/key",
       {{"GET"},
        [&gateway](const Request& q, Response& r, Connection&) { gateway.key_status(q, r); }}},
      {"/healthz",
       {{"GET"},
        [](const Request&, Response& r, Connection&) {
          r.set_content(R"({"status":"ok"})", "application/json");
        }}},
      {"/readyz",
       {{"GET"}, [&gateway](const Request& q, Response& r, Connection&) { gateway.ready(q, r); }}},
      {"/metrics",
       {{"GET"}, [&gateway](const Request& q, Response& r, Connection&) { gateway.metrics(q, r); }}},
  };
  // Anything but a known path with its method is 404 or 405 before routing.
  routes.before = [&gateway, &routes](const Request& request, Response& response,
                                      Connection& connection) {
    if (gateway.draining()) {
      gateway.reject(request, response,
                     HttpError(503, "shutting_down", "The gateway is shutting down"));
      return true;
    }
    if (auto error = framing_error(request, connection.breach())) {
      if (error->status() == 400) {
        response.set_header("Connection", "close");  // see framing_error
      }
      gateway.reject(request, response, *error);
      return true;
    }
    const Routes::Route* route = routes.find(request.path);
    if (route == nullptr) {
      gateway.reject(request, response, HttpError(404, "not_found", "Not found: " + request.path));
      return true;
    }
    if (!route->answers(request.method)) {
      response.set_header("Allow", route->allowed());
      gateway.reject(request, response,
                     HttpError(405, "method_not_allowed",
                               fmt::format("Method {} is not allowed on {}; use {}", request.method,
                                           request.path, fmt::join(route->methods, " or "))));
      return true;
    }
    return false;
  };
  // Errors the session answers itself (400, 404, 413, 414) get the JSON body too; so do
  // the bounds of the connection, which the session sees as a failed read.
  routes.on_error = [&gateway](const Request& request, Response& response,
                               Connection& connection) {
    if (!response.body.empty()) {
      return;  // answered already (a framing breach by `before`, in its turn)
    }
    if (auto error = error_for_breach(connection.breach())) {
      response.status = error->status();
      gateway.reject(request, response, *error);
    } else {
      gateway.reject(request, response, error_for_status(response.status));
    }
  };
  // A response after which the connection is closed says so; the session says it of
  // its own reasons, this of the daemon's: it is draining.
  // A request no exchange logged (a probe, /metrics) still gets an id of its own.
  routes.after = [&server](const Request&, Response& response, Connection&) {
    if (!response.has_header("x-request-id")) {
      response.set_header("x-request-id", new_id("req"));
    }
    if (server.draining() && response.get_header_value("Connection") != "close") {
      response.headers.erase("Connection");
      response.headers.erase("Keep-Alive");
      response.set_header("Connection", "close");
    }
  };
  routes.on_exception = [&gateway](const Request& request, Response& response, Connection&,
                                   std::exception_ptr error) {
    std::string what = "unknown";
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    // The detail goes to the operator's log only; the client learns nothing internal.
    log_event(LogLevel::error, "handler_exception",
              {{"path", logged_string(request.path)}, {"error", logged_string(what)}});
    gateway.reject(request, response, HttpError(500, "internal_error", "Internal error"));
  };
}

// "127.0.0.1:8080", "[::1]:8080".
std::string address_text(const std::string& host, int port) {
  return fmt::format(host.find(':') == std::string::npos ? "{}:{}" : "[{}]:{}", host, port);
}

// The listening socket. Throws Error(io) naming the address and the system's reason.
Listener listen_or_throw(const ServeOptions& options) {
  std::optional<Listener> listener = listen_tcp(options.host, options.port);
  if (!listener) {
    throw_io(fmt::format("cannot listen on {}: {}", address_text(options.host, options.port),
                         std::strerror(errno)));
  }
  return *listener;
}

// Waits for one of `signals` until `deadline`: the signal, or 0 once the deadline passed.
int wait_for_signal(const sigset_t& signals, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) {
      return 0;
    }
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(left);
    timespec wait{static_cast<std::time_t>(seconds.count()),
                  static_cast<long>(std::chrono::nanoseconds(left - seconds).count())};
    int signal = ::sigtimedwait(&signals, nullptr, &wait);
    if (signal > 0) {
      return signal;
    }
    if (errno == EAGAIN) {
      return 0;
    }
  }
}

// Serves until SIGTERM or SIGINT, then drains; a second signal during the drain ends the
// process at once, with 128 + its number. Returns once every connection has ended, with
// the gateway and its database connections closed. Throws Error when the daemon cannot
// start: its reason is logged as "startup_failed" first.
void serve_until_drained(const ServeOptions& options, const sigset_t& signals) {
  std::unique_ptr<Gateway> started;
  std::unique_ptr<ClientServer> serving;
  Listener listener;
  try {
    check_ca_file(options.ca_file);
    started = std::make_unique<Gateway>(options);
    ClientLimits limits;
    limits.header_timeout = options.header_timeout;
    limits.body_timeout = options.body_timeout;
    limits.max_body_bytes = options.max_body_bytes + k_chunk_framing_allowance;
    SessionSettings settings;
    settings.max_body_bytes = options.max_body_bytes;
    settings.trusted_proxies = options.trusted_proxies;
    settings.keep_alive = std::chrono::duration_cast<std::chrono::seconds>(limits.keep_alive);
    serving = std::make_unique<ClientServer>(limits, settings, options.threads);
    listener = listen_or_throw(options);
  } catch (const std::exception& e) {
    log_event(LogLevel::error, "startup_failed", {{"reason", e.what()}});
    throw;
  }
  Gateway& gateway = *started;
  ClientServer& server = *serving;
  install_routes(server, gateway);
  log_event(LogLevel::info, "providers", provider_readiness(*gateway.catalog()));
  log_event(LogLevel::info, "listening",
            {{"host", options.host}, {"port", listener.port}, {"threads", options.threads},
             {"database", options.db_path}});

  std::mutex mutex;
  bool done = false;
  // Until `deadline`: false once the server is done, true when the deadline passed; a
  // signal from outside ends the process.
  auto drain_until = [&](std::chrono::steady_clock::time_point deadline) {
    int signal = wait_for_signal(signals, deadline);
    std::lock_guard<std::mutex> lock(mutex);
    if (done) {
      return false;  // woken by the server's own end
    }
    if (signal != 0) {
      log_event(LogLevel::warn, "drain_abandoned",
                {{"signal", signal}, {"in_flight", gateway.in_flight()}});
      std::_Exit(128 + signal);
    }
    return true;
  };
  std::thread watcher([&] {
    ::pthread_setname_np(::pthread_self(), "llmgw-signals");
    int signal = 0;
    sigwait(&signals, &signal);
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (done) {
        return;  // woken by the server's own end, not by a signal
      }
      log_event(LogLevel::info, "draining",
                {{"signal", signal}, {"drain_timeout_ms", options.drain_timeout.count()},
                 {"in_flight", gateway.in_flight()}});
      gateway.begin_drain();
      server.begin_drain(listener.socket);
    }
    auto now = std::chrono::steady_clock::now;
    if (drain_until(now() + options.drain_timeout)) {
      log_event(LogLevel::warn, "drain_deadline");
      // Streams end at their next piece and record why; a moment later whatever
      // connection is still open is ended at its next read or write.
      gateway.abort_streams();
      if (drain_until(now() + k_abort_grace)) {
        server.abort();
        drain_until(std::chrono::steady_clock::time_point::max());
      }
    }
  });
  server.serve(listener.socket);
  {
    std::lock_guard<std::mutex> lock(mutex);
    done = true;
  }
  pthread_kill(watcher.native_handle(), SIGTERM);  // a watcher still waiting ends
  watcher.join();
  ::close(listener.socket);  // after the watcher, which may shut it down
}

// The daemon leaves its database whole in the main file: every committed page of the
// write-ahead log is copied back, under the write lock, so that no commit of a CLI process
// can reset the log during the copy (SQLite's WAL-reset bug; see core/store.cc).
// A reader of an older snapshot (`llmgw logs --follow`) can hold frames back for a moment.
void checkpoint(const std::string& db_path) {
  Store store(db_path);
  bool complete = false;
  for (int attempt = 0; attempt < 20 && !complete; ++attempt) {
    if (attempt > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    complete = store.checkpoint(5000);
  }
  log_event(complete ? LogLevel::info : LogLevel::warn, "checkpoint", {{"complete", complete}});
}

}  // namespace

void serve(const ServeOptions& options) {
  // glibc hands free memory at the top of a heap back to the kernel once it passes
  // 128 KiB, and maps each block of 128 KiB or more on its own, so every request with a
  // long prompt (a few buffers of its size) faulted in pages the one before gave back.
  // Blocks up to 4 MiB (a body's limit) now come from the heaps, which keep up to 8 MiB
  // free each: that much memory at most, for less CPU per request with long prompts
  // (bench/README.md, "Figures behind the design"). Setting either value stops glibc from
  // adjusting them itself, so both are set.
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  mallopt(M_TRIM_THRESHOLD, 8 << 20);
  // Signals are taken by one thread with sigwait; every other thread blocks them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  serve_until_drained(options, signals);
  checkpoint(options.db_path);
  log_event(LogLevel::info, "stopped");
}

}  // namespace llmgw::daemon
