#include "cli/arguments.h"
#include "cli/commands.h"
#include "cli/completion/value_hint.h"
#include "cli/help_examples.h"
#include "core/error.h"
#include "core/serve_lock.h"
#include "daemon/server.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>

namespace llmgw::cli {

namespace {

constexpr const char* k_trusted_proxy_variable = "LLMGW_TRUSTED_PROXY";

// The environment variable of a serve option: --upstream-timeout is LLMGW_UPSTREAM_TIMEOUT.
std::string variable_of(const std::string& flag) {
  std::string variable = "LLMGW_";
  for (char c : flag.substr(2)) {
    variable += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return variable;
}

// An option's text and where it came from, as messages name it: "--listen", or
// "LLMGW_LISTEN" when the flag was not given and the environment variable was.
struct Setting {
  std::string text;
  std::string source;
};

// "HOST:PORT", "[::1]:PORT" or ":PORT"; port 0 picks a free one.
void parse_listen(const Setting& listen, daemon::ServeOptions& options) {
  const std::string& text = listen.text;
  std::size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) {
    throw_invalid(fmt::format("invalid {} '{}': expected HOST:PORT", listen.source, text));
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string port = text.substr(colon + 1);
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535) {
    throw_invalid(
        fmt::format("invalid {} '{}': the port must be 0 to 65535", listen.source, text));
  }
  options.host = host.empty() ? "0.0.0.0" : host;
  options.port = std::stoi(port);
}

std::size_t parse_threads(const Setting& threads) {
  const std::string& text = threads.text;
  if (text.empty() || text.size() > 5 ||
      text.find_first_not_of("0123456789") != std::string::npos || std::stoi(text) < 1 ||
      std::stoi(text) > 16384) {
    throw_invalid(fmt::format("invalid {} '{}': expected a whole number from 1 to 16384",
                              threads.source, text));
  }
  return static_cast<std::size_t>(std::stoi(text));
}

// "4M", "512K", "1048576".
std::size_t parse_size(const Setting& size) {
  const std::string& text = size.text;
  std::size_t digits = text.find_first_not_of("0123456789");
  std::string unit = digits == std::string::npos ? "" : text.substr(digits);
  std::size_t scale = unit.empty() ? 1 : unit == "K" ? 1 << 10 : unit == "M" ? 1 << 20 : 0;
  if (digits == 0 || scale == 0 || text.size() - unit.size() > 9) {
    throw_invalid(fmt::format("invalid {} '{}': expected bytes, or a number with K or M",
                              size.source, text));
  }
  std::size_t value = std::stoul(text.substr(0, digits)) * scale;
  if (value == 0) {
    throw_invalid(fmt::format("invalid {} '{}': must be greater than zero", size.source, text));
  }
  return value;
}

std::chrono::milliseconds parse_timeout(const Setting& duration) {
  return std::chrono::milliseconds(parse_duration(duration.text, duration.source));
}

daemon::AccessLog parse_access_log(const Setting& access_log) {
  if (access_log.text != "on" && access_log.text != "off") {
    throw_invalid(fmt::format("invalid {} '{}': expected on or off", access_log.source,
                              access_log.text));
  }
  return access_log.text == "on" ? daemon::AccessLog::on : daemon::AccessLog::off;
}

// The networks of --trusted-proxy (given again for each), else of `listed`, the value of
// LLMGW_TRUSTED_PROXY (null when unset or empty): a list separated by commas or spaces.
std::vector<Network> parse_trusted_proxies(const std::vector<std::string>& flags,
                                           const char* listed) {
  std::vector<Network> networks;
  if (!flags.empty() || listed == nullptr) {
    for (const std::string& proxy : flags) {
      networks.push_back(Network::parse(proxy));
    }
    return networks;
  }
  const std::string list = listed;
  for (std::size_t at = list.find_first_not_of(", "); at != std::string::npos;
       at = list.find_first_not_of(", ", at)) {
    std::size_t end = std::min(list.find_first_of(", ", at), list.size());
    try {
      networks.push_back(Network::parse(list.substr(at, end - at)));
    } catch (const Error& e) {
      throw_invalid(fmt::format("invalid {}: {}", k_trusted_proxy_variable, e.what()));
    }
    at = end;
  }
  return networks;
}

}  // namespace

void add_serve_command(CLI::App& app, Context& context) {
  struct Options {
    std::string listen = "127.0.0.1:8080";
    std::string threads = "512";
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
  // Each option may come from its environment variable instead (a systemd
  // EnvironmentFile=); the flag wins. An empty variable counts as unset.
  auto option = [serve](const std::string& flag, std::string& value, const std::string& help) {
    return serve->add_option(flag, value, fmt::format("{} [env: {}]", help, variable_of(flag)));
  };
  option("--listen", o->listen, "address to listen on, HOST:PORT (port 0: any free port)")
      ->capture_default_str();
  option("--threads", o->threads,
         "requests under way at once, 1 to 16384, streams included (idle connections take "
         "none)")
      ->capture_default_str();
  option("--max-body", o->max_body, "largest request body (413 beyond), e.g. 4M")
      ->capture_default_str();
  option("--upstream-connect-timeout", o->connect_timeout, "time to connect to a provider")
      ->capture_default_str();
  option("--upstream-timeout", o->upstream_timeout,
         "longest wait for a provider's next bytes (504 before the first)")
      ->capture_default_str();
  option("--drain-timeout", o->drain_timeout,
         "on SIGTERM/SIGINT, how long requests in flight may take to finish (a second "
         "signal: at once)")
      ->capture_default_str();
  option("--header-timeout", o->header_timeout,
         "time a client has to send a request's line and headers (408 or closed beyond)")
      ->capture_default_str();
  option("--body-timeout", o->body_timeout,
         "time a client has to send a request's body once its headers are in (408 beyond)")
      ->capture_default_str();
  complete_with(option("--error-format", o->error_format,
                       "error body shape: auto (OpenAI envelope for official SDKs), reference, "
                       "openai")
                    ->capture_default_str(),
                {"auto", "reference", "openai"});
  complete_with(option("--access-log", o->access_log, "one JSON line per request on stderr: on, off")
                    ->capture_default_str(),
                {"on", "off"});
  complete_with(
      option("--ca-file", o->ca_file, "extra CA certificates (PEM) to trust for https providers"),
      ValueSource::files);
  serve
      ->add_option("--trusted-proxy", o->trusted_proxies,
                   fmt::format("a proxy (address or CIDR block) whose X-Forwarded-For names the "
                               "client; repeatable [env: {}, a list]",
                               k_trusted_proxy_variable))
      ->allow_extra_args(false);
  set_examples(serve, {"llmgw serve",
                       "llmgw serve --listen 127.0.0.1:8080 --threads 4",
                       "LLMGW_THREADS=1024 llmgw serve --access-log off"});
  serve->callback([&context, o, serve] {
    // The flag's text, else the variable's when set and not empty, else the default.
    auto setting = [serve](const std::string& flag, const std::string& value) {
      const std::string variable = variable_of(flag);
      const char* from_environment = std::getenv(variable.c_str());
      if (serve->count(flag) == 0 && from_environment != nullptr && *from_environment != '\0') {
        return Setting{from_environment, variable};
      }
      return Setting{value, flag};
    };
    daemon::ServeOptions options;
    parse_listen(setting("--listen", o->listen), options);
    options.threads = parse_threads(setting("--threads", o->threads));
    options.max_body_bytes = parse_size(setting("--max-body", o->max_body));
    options.upstream_connect_timeout =
        parse_timeout(setting("--upstream-connect-timeout", o->connect_timeout));
    options.upstream_read_timeout =
        parse_timeout(setting("--upstream-timeout", o->upstream_timeout));
    options.drain_timeout = parse_timeout(setting("--drain-timeout", o->drain_timeout));
    options.header_timeout = parse_timeout(setting("--header-timeout", o->header_timeout));
    options.body_timeout = parse_timeout(setting("--body-timeout", o->body_timeout));
    const Setting error_format = setting("--error-format", o->error_format);
    options.error_format = daemon::parse_error_format(error_format.text, error_format.source);
    options.access_log = parse_access_log(setting("--access-log", o->access_log));
    options.ca_file = setting("--ca-file", o->ca_file).text;
    const char* proxies = std::getenv(k_trusted_proxy_variable);
    options.trusted_proxies = parse_trusted_proxies(
        o->trusted_proxies, proxies != nullptr && *proxies != '\0' ? proxies : nullptr);
    context.may_create_database = true;
    options.db_path = context.store().path();  // creates and migrates the database first
    ServeLock running(options.db_path);  // for `llmgw doctor`
    daemon::serve(options);
  });
}

}  // namespace llmgw::cli
