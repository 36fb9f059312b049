#include "cli/run.h"

#include "cli/command_group.h"
#include "cli/completion/value_hint.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/guard.h"
#include "cli/output_options.h"
#include "cli/usage_error.h"
#include "cli/version.h"
#include "core/error.h"
#include "core/secret.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdio>

namespace llmgw::cli {

namespace {

int exit_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::invalid:
      return 2;
    case ErrorKind::not_found:
      return 3;
    case ErrorKind::conflict:
      return 4;
    case ErrorKind::io:
    case ErrorKind::cancelled:
      return 1;
  }
  return 1;
}

// `message` with "[redacted]" in place of each key secret, or piece of one, that it
// quotes: CLI11 and "not found" messages echo arguments, and a secret pasted into the
// wrong place must not be printed back.
std::string without_secrets(std::string message) {
  for (std::size_t at = message.find(k_secret_prefix); at != std::string::npos;
       at = message.find(k_secret_prefix, at + 1)) {
    std::size_t end = at + k_secret_prefix.size();
    while (end < message.size() && std::isalnum(static_cast<unsigned char>(message[end]))) {
      ++end;
    }
    if (end > at + k_secret_prefix.size()) {
      message.replace(at, end - at, "[redacted]");
    }
  }
  return message;
}

int fail(const std::string& message, int code) {
  std::fputs(fmt::format("llmgw: error: {}\n", without_secrets(message)).c_str(), stderr);
  return code;
}

// Parses the command line and runs the command: its exit code, after saying why on
// stderr when it failed.
int run_command(CLI::App& app, int argc, char** argv, const Context& context) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      return app.exit(e);  // --help, --version
    }
    return fail(usage_error_message(e, app), 2);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::invalid) {
      return fail(fmt::format("{}\n{}", e.what(), help_pointer(app)), exit_code(e.kind()));
    }
    return fail(e.what(), exit_code(e.kind()));
  } catch (const SQLite::Exception& e) {
    return fail(fmt::format("database: {}", e.getErrorStr()), 1);
  } catch (const std::exception& e) {
    return fail(e.what(), 1);
  }
  return context.exit_code;
}

}  // namespace

int run(int argc, char** argv) {
  Context context;
  CLI::App app{"llmgw: API keys, IAM rules and an OpenAI-compatible LLM gateway", "llmgw"};
  app.fallthrough();  // global options are accepted after the subcommand, too
  make_group(app);
  app.set_version_flag("-V,--version", version_line,
                       "print the version, commit, build date and SQLite version");
  app.set_help_all_flag("--help-all", "show help for every command");
  complete_with(app.add_option("--db", context.db_flag,
                               "database file (default: $LLMGW_DB, else as 'llmgw doctor' "
                               "explains)"),
                ValueSource::files);
  std::unique_ptr<JqFilter> jq;
  std::function<void()> settle_output = add_output_options(app, context, jq);
  add_basic_commands(app, context);
  add_key_commands(app, context);
  add_catalog_commands(app, context);
  add_model_commands(app, context);
  add_serve_command(app, context);
  add_usage_command(app, context);
  add_logs_command(app, context);
  add_backup_command(app, context);
  add_doctor_command(app, context);
  add_completion_command(app);
  add_complete_command(app, context);
  const std::vector<std::string> arguments(argv + 1, argv + argc);
  app.parse_complete_callback([&arguments, settle_output] {
    refuse_secret_arguments(arguments);  // first: jq must not start on such a command
    settle_output();
  });
  int code = run_command(app, argc, argv, context);
  bool unwritten = std::fflush(stdout) != 0 || std::ferror(stdout);
  // jq's failure first: it is why a write failed, and its message is on stderr already.
  if (int status = jq ? jq->finish() : 0; status != 0) {
    return status;
  }
  return unwritten && code == 0 ? fail("cannot write to standard output", 1) : code;
}

}  // namespace llmgw::cli
