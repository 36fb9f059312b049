#include "cli/arguments.h"
#include "cli/commands.h"
#include "cli/help_examples.h"
#include "core/error.h"
#include "core/serve_lock.h"
#include "daemon/server.h"

#include <fmt/format.h>

#include <memory>

namespace llmgw::cli {

namespace {

// "HOST:PORT", "[::1]:PORT" or ":PORT"; port 0 picks a free one.
void parse_listen(const std::string& text, daemon::ServeOptions& options) {
  std::size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) {
    throw_invalid(fmt::format("invalid --listen '{}': expected HOST:PORT", text));
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string port = text.substr(colon + 1);
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535) {
    throw_invalid(fmt::format("invalid --listen '{}': the port must be 0 to 65535", text));
  }
  options.host = host.empty() ? "0.0.0.0" : host;
  options.port = std::stoi(port);
}

// "4M", "512K", "1048576".
std::size_t parse_size(const std::string& text, std::string_view option) {
  std::size_t digits = text.find_first_not_of("0123456789");
  std::string unit = digits == std::string::npos ? "" : text.substr(digits);
  std::size_t scale = unit.empty() ? 1 : unit == "K" ? 1 << 10 : unit == "M" ? 1 << 20 : 0;
  if (digits == 0 || scale == 0 || text.size() - unit.size() > 9) {
    throw_invalid(fmt::format("invalid {} '{}': expected bytes, or a number with K or M", option, text));
  }
  std::size_t value = std::stoul(text.substr(0, digits)) * scale;
  if (value == 0) {
    throw_invalid(fmt::format("invalid {} '{}': must be greater than zero", option, text));
  }
  return value;
}

std::chrono::milliseconds duration_option(const std::string& text, std::string_view option) {
  return std::chrono::milliseconds(parse_duration(text, option));
}

}  // namespace

void add_serve_command(CLI::App& app, Context& context) {
  struct Options {
    std::string listen = "127.0.0.1:8080";
    std::size_t threads = 512;
    std::string max_body = "4M";
    std::string connect_timeout = "5s";
    std::string upstream_timeout = "120s";
    std::string drain_timeout = "30s";
    std::string header_timeout = "10s";
    std::string body_timeout = "60s";
    std::string error_format = "auto";
    std::string access_log = "on";
    std::string ca_file;
    std::vector<std::string> trusted_proxies;
  };
  auto o = std::make_shared<Options>();
  auto* serve = app.add_subcommand("serve", "run the OpenAI-compatible gateway");
  serve->add_option("--listen", o->listen, "address to listen on, HOST:PORT (port 0: any free port)")
      ->capture_default_str();
  serve->add_option("--threads", o->threads,
                    "requests under way at once, streams included (idle connections take none)")
      ->capture_default_str()
      ->check(CLI::Range(1, 16384));
  serve->add_option("--max-body", o->max_body, "largest request body (413 beyond), e.g. 4M")
      ->capture_default_str();
  serve->add_option("--upstream-connect-timeout", o->connect_timeout,
                    "time to connect to a provider")
      ->capture_default_str();
  serve->add_option("--upstream-timeout", o->upstream_timeout,
                    "longest wait for a provider's next bytes (504 before the first)")
      ->capture_default_str();
  serve->add_option("--drain-timeout", o->drain_timeout,
                    "on SIGTERM/SIGINT, how long requests in flight may take to finish")
      ->capture_default_str();
  serve->add_option("--header-timeout", o->header_timeout,
                    "time a client has to send a request's line and headers (408 or closed beyond)")
      ->capture_default_str();
  serve->add_option("--body-timeout", o->body_timeout,
                    "time a client has to send a request's body once its headers are in (408 beyond)")
      ->capture_default_str();
  serve->add_option("--error-format", o->error_format,
                    "error body shape: auto (OpenAI envelope for official SDKs), reference, openai")
      ->capture_default_str();
  serve->add_option("--access-log", o->access_log, "one JSON line per request on stderr: on, off")
      ->capture_default_str();
  serve->add_option("--ca-file", o->ca_file,
                    "extra CA certificates (PEM) to trust for https providers");
  serve->add_option("--trusted-proxy", o->trusted_proxies,
                    "a proxy (address or CIDR block) whose X-Forwarded-For names the client; "
                    "repeatable")
      ->allow_extra_args(false);
  set_examples(serve, {"llmgw serve",
                       "llmgw serve --listen 127.0.0.1:8080 --threads 4",
                       "llmgw serve --listen 127.0.0.1:0 --access-log off"});
  serve->callback([&context, o] {
    daemon::ServeOptions options;
    parse_listen(o->listen, options);
    options.threads = o->threads;
    options.max_body_bytes = parse_size(o->max_body, "--max-body");
    options.upstream_connect_timeout = duration_option(o->connect_timeout, "--upstream-connect-timeout");
    options.upstream_read_timeout = duration_option(o->upstream_timeout, "--upstream-timeout");
    options.drain_timeout = duration_option(o->drain_timeout, "--drain-timeout");
    options.header_timeout = duration_option(o->header_timeout, "--header-timeout");
    options.body_timeout = duration_option(o->body_timeout, "--body-timeout");
    options.error_format = daemon::parse_error_format(o->error_format);
    if (o->access_log != "on" && o->access_log != "off") {
      throw_invalid(fmt::format("invalid --access-log '{}': expected on or off", o->access_log));
    }
    options.access_log = o->access_log == "on" ? daemon::AccessLog::on : daemon::AccessLog::off;
    options.ca_file = o->ca_file;
    for (const std::string& proxy : o->trusted_proxies) {
      options.trusted_proxies.push_back(Network::parse(proxy));
    }
    context.may_create_database = true;
    options.db_path = context.store().path();  // creates and migrates the database first
    ServeLock running(options.db_path);  // for `llmgw doctor`
    context.exit_code = daemon::serve(options);
  });
}

}  // namespace llmgw::cli
