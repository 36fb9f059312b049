#include "daemon/server.h"

#include "daemon/gateway.h"

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <map>
#include <mutex>
#include <pthread.h>
#include <sys/socket.h>
#include <thread>

namespace llmgw::daemon {

namespace {

void log_line(const nlohmann::ordered_json& line) {
  std::string text = line.dump() + "\n";
  std::fwrite(text.data(), 1, text.size(), stderr);
}

// The routes and the methods they answer; anything else is 404 or 405 before routing.
const std::map<std::string, std::string>& known_routes() {
  static const std::map<std::string, std::string> routes = {
      {"/v1/chat/completions", "POST"}, {"/v1/embeddings", "POST"}, {"/v1/models", "GET"},
      {"/v1/key", "GET"},               {"/healthz", "GET"},        {"/readyz", "GET"},
      {"/metrics", "GET"},
  };
  return routes;
}

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

void install_routes(httplib::Server& server, Gateway& gateway) {
  server.set_pre_routing_handler([&gateway](const httplib::Request& request,
                                            httplib::Response& response) {
    if (gateway.draining()) {
      response.set_header("Connection", "close");
      gateway.reject(request, response,
                     HttpError(503, "shutting_down", "The gateway is shutting down"));
      return httplib::Server::HandlerResponse::Handled;
    }
    auto route = known_routes().find(request.path);
    if (route == known_routes().end()) {
      gateway.reject(request, response, HttpError(404, "not_found", "Not found: " + request.path));
      return httplib::Server::HandlerResponse::Handled;
    }
    if (request.method != route->second) {
      response.set_header("Allow", route->second);
      gateway.reject(request, response,
                     HttpError(405, "method_not_allowed",
                               fmt::format("Method {} is not allowed on {}; use {}", request.method,
                                           request.path, route->second)));
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.Post("/v1/chat/completions", [&gateway](const httplib::Request& q, httplib::Response& r) {
    gateway.completion(q, r, Endpoint::chat);
  });
  server.Post("/v1/embeddings", [&gateway](const httplib::Request& q, httplib::Response& r) {
    gateway.completion(q, r, Endpoint::embeddings);
  });
  server.Get("/v1/models", [&gateway](const httplib::Request& q, httplib::Response& r) {
    gateway.models(q, r);
  });
  server.Get("/v1/key", [&gateway](const httplib::Request& q, httplib::Response& r) {
    gateway.key_status(q, r);
  });
  server.Get("/healthz", [](const httplib::Request&, httplib::Response& r) {
    r.set_content(R"({"status":"ok"})", "application/json");
  });
  server.Get("/readyz", [&gateway](const httplib::Request& q, httplib::Response& r) {
    gateway.ready(q, r);
  });
  server.Get("/metrics", [&gateway](const httplib::Request& q, httplib::Response& r) {
    gateway.metrics(q, r);
  });
  // Errors httplib answers itself (413, 400, 414) get the JSON body too.
  server.set_error_handler([&gateway](const httplib::Request& request, httplib::Response& response) {
    if (response.body.empty()) {
      gateway.reject(request, response, error_for_status(response.status));
    }
  });
  server.set_exception_handler([&gateway](const httplib::Request& request,
                                          httplib::Response& response, std::exception_ptr error) {
    std::string what = "unknown";
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    // The detail goes to the operator's log only; the client learns nothing internal.
    log_line({{"level", "error"}, {"event", "handler_exception"}, {"path", request.path},
              {"error", what}});
    gateway.reject(request, response, HttpError(500, "internal_error", "Internal error"));
  });
}

}  // namespace

int serve(const ServeOptions& options) {
  // Signals are taken by one thread with sigwait; every other thread blocks them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  Gateway gateway(options);
  httplib::Server server;
  std::size_t threads = options.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_tcp_nodelay(true);  // without it every response waits ~40 ms for delayed ACKs
  server.set_payload_max_length(options.max_body_bytes);
  server.set_keep_alive_max_count(100000);
  server.set_keep_alive_timeout(5);
  server.set_read_timeout(10, 0);
  server.set_write_timeout(30, 0);
  install_routes(server, gateway);
  // cpp-httplib's own options add SO_REUSEPORT, which lets a second daemon bind the same
  // port and silently take half the connections; SO_REUSEADDR alone only allows a restart
  // while old connections linger. The listening socket is the only one given these options.
  int listener = -1;
  server.set_socket_options([&listener](socket_t socket) {
    int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listener = socket;
  });

  int port = options.port;
  bool bound = port == 0 ? (port = server.bind_to_any_port(options.host)) > 0
                         : server.bind_to_port(options.host, port);
  if (!bound) {
    log_line({{"level", "error"}, {"event", "bind_failed"}, {"host", options.host},
              {"port", options.port}});
    return 1;
  }
  // cpp-httplib listens with a backlog of 5 (compiled into Debian's library): a burst of
  // connections overflows it, and Linux falls back to SYN cookies and resets. Listening
  // again on the bound socket raises the backlog to the system's maximum.
  if (::listen(listener, SOMAXCONN) != 0) {
    log_line({{"level", "error"}, {"event", "listen_failed"}, {"host", options.host},
              {"port", port}});
    return 1;
  }
  log_line({{"level", "info"}, {"event", "listening"}, {"host", options.host}, {"port", port},
            {"threads", threads}, {"database", options.db_path}});

  std::mutex mutex;
  std::condition_variable stopped;
  bool done = false;
  std::thread watcher([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    log_line({{"level", "info"}, {"event", "draining"}, {"signal", signal},
              {"drain_timeout_ms", options.drain_timeout.count()}});
    // server.stop() ends chunked responses before their next piece, so the requests in
    // flight are waited for first, while new ones are answered 503.
    gateway.begin_drain();
    auto deadline = std::chrono::steady_clock::now() + options.drain_timeout;
    std::unique_lock<std::mutex> lock(mutex);
    while (!done && gateway.in_flight() > 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        log_line({{"level", "warn"}, {"event", "drain_deadline"}});
        gateway.abort_streams();
        break;
      }
      stopped.wait_for(lock, std::chrono::milliseconds(10));
    }
    lock.unlock();
    server.stop();
  });
  server.listen_after_bind();
  {
    std::lock_guard<std::mutex> lock(mutex);
    done = true;
  }
  stopped.notify_all();
  // Unblock the watcher when the server ended without a signal.
  pthread_kill(watcher.native_handle(), SIGTERM);
  watcher.join();
  log_line({{"level", "info"}, {"event", "stopped"}});
  return 0;
}

}  // namespace llmgw::daemon
