#include "cli/arguments.h"
#include "cli/commands.h"
#include "cli/completion/value_hint.h"
#include "cli/guard.h"
#include "cli/help_examples.h"
#include "cli/log_view.h"
#include "cli/stop_signals.h"
#include "cli/time_arguments.h"
#include "core/wire/endpoint_service.h"
#include "core/error.h"
#include "core/key_store.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <memory>

namespace llmgw::cli {

namespace {

constexpr std::chrono::milliseconds k_poll_interval{200};

void print_entry(const Context& context, const LogEntry& entry) {
  if (context.format() == Format::human) {
    std::fputs(log_line(entry, context.table_style().layout).c_str(), stdout);
    return;
  }
  nlohmann::json record = log_json(entry);
  if (context.selection) {
    record = context.selection->select(record);
  }
  std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::fputs(line.c_str(), stdout);
}

// Every row as soon as it is committed, until SIGINT (exit 130) or SIGTERM (exit 0).
int follow(const Context& context, RequestLog& log, const LogFilter& filter, std::int64_t last) {
  StopSignals stop;
  while (stop.received() == 0) {
    stop.sleep(k_poll_interval);
    std::int64_t up_to = log.last_id();
    for (const LogEntry& entry : log.between(filter, last, up_to)) {
      print_entry(context, entry);
    }
    last = up_to;
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
      throw_io("cannot write to standard output");
    }
  }
  return stop.received() == SIGINT ? 130 : 0;
}

}  // namespace

void add_logs_command(CLI::App& app, Context& context) {
  struct Options {
    std::optional<std::string> key;
    std::optional<std::string> model;
    std::optional<std::string> status;
    std::optional<std::string> endpoint;
    std::optional<std::string> since;
    std::string limit = "50";
    bool follow = false;
  };
  auto o = std::make_shared<Options>();
  auto* logs = app.add_subcommand(
      "logs",
      "the request log, newest first; with --json one JSON object per line (JSONL), the same "
      "with and without --follow");
  complete_with(
      refuse_key_secrets(add_optional(logs, "--key", o->key, "only this key's requests"))
          ->type_name("<id>"),
      ValueSource::key_ids);
  complete_with(add_optional(logs, "--model", o->model, "only requests for, or served by, this model")
                    ->type_name("<model>"),
                ValueSource::model_ids);
  add_optional(logs, "--status", o->status, "only requests answered with this HTTP status")
      ->type_name("<code>");
  add_optional(logs, "--endpoint", o->endpoint,
               "only requests to this endpoint: /v1/chat/completions, /v1/embeddings, "
               "/v1/messages or /v1/responses")
      ->type_name("<path>");
  complete_with(logs->get_option("--endpoint"), logged_endpoint_paths());
  add_optional(logs, "--since", o->since,
               "only requests from this time on: a duration back from now (30m, 12h, 7d) or "
               "an ISO-8601 time")
      ->type_name("<when>");
  logs->add_option("-n,--limit", o->limit, "how many rows, 1 to 100000 (default 50)")
      ->type_name("<n>");
  logs->add_flag("-f,--follow", o->follow,
                 "print the last --limit rows oldest first, then each new row as it is "
                 "committed, until SIGINT (exit 130) or SIGTERM (exit 0)");
  set_examples(logs, {"llmgw logs -n 20 --since 1h",
                      "llmgw logs -f --key key_...",
                      "llmgw --json logs --status 429 --since 2026-12-01 | jq -c ."});
  add_logs_prune_command(logs, context);
  logs->callback([&context, logs, o] {
    if (!logs->get_subcommands().empty()) {
      return;  // `logs prune` ran
    }
    LogFilter filter;
    filter.key_id = o->key;
    filter.model = o->model;
    if (o->status) {
      filter.status = static_cast<int>(parse_count(*o->status, 100, 599, "--status"));
    }
    if (o->endpoint) {
      filter.endpoint = std::string(endpoint_path(parse_logged_endpoint(*o->endpoint)));
    }
    if (o->since) {
      filter.since = parse_time_back(*o->since, context.clock().now(), "--since");
    }
    std::int64_t limit = parse_count(o->limit, 1, 100000, "--limit");
    if (filter.key_id) {
      KeyStore(context.store(), context.clock()).get(*filter.key_id);  // unknown: exit 3
    }
    RequestLog log(context.store());
    std::int64_t last = log.last_id();
    std::vector<LogEntry> entries = log.newest(filter, limit, last);
    if (o->follow) {
      std::reverse(entries.begin(), entries.end());
    }
    TableStyle style = context.table_style();
    if (context.format() == Format::human && style.headers == Headers::yes) {
      std::fputs(log_header(style.layout).c_str(), stdout);
    }
    for (const LogEntry& entry : entries) {
      print_entry(context, entry);
    }
    if (o->follow) {
      std::fflush(stdout);
      context.exit_code = follow(context, log, filter, last);
    }
  });
}

}  // namespace llmgw::cli
