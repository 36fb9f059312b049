#include "cli/run.h"

#include "cli/commands.h"
#include "cli/context.h"
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

// CLI11 reports a word that names no subcommand as "A subcommand is required"; the word
// itself is what a user needs to see. Empty when there is no such word.
std::string unknown_command(CLI::App& app) {
  std::vector<std::string> rest = app.remaining();
  if (rest.empty() || rest.front().rfind("-", 0) == 0) {
    return "";
  }
  std::string path = app.get_name();
  for (CLI::App* at = &app; !at->get_subcommands().empty();) {
    at = at->get_subcommands().front();
    path += " " + at->get_name();
  }
  return fmt::format("unknown command '{}'; see '{} --help'", rest.front(), path);
}

}  // namespace

int run(int argc, char** argv) {
  Context context;
  CLI::App app{"llmgw: API keys, IAM rules and an OpenAI-compatible LLM gateway", "llmgw"};
  app.fallthrough();  // global options are accepted after the subcommand, too
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "show help for every command");
  app.add_option("--db", context.db_flag,
                 "database file (default: $LLMGW_DB, else as 'llmgw doctor' explains)");
  app.add_flag("--json", context.json, "print one JSON document with stable field names");
  add_basic_commands(app, context);
  add_key_commands(app, context);
  add_catalog_commands(app, context);
  add_model_commands(app, context);
  add_serve_command(app, context);
  add_usage_command(app, context);
  add_logs_command(app, context);
  add_backup_command(app, context);
  add_doctor_command(app, context);
  add_complete_command(app, context);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      return app.exit(e);  // --help
    }
    std::string unknown =
        dynamic_cast<const CLI::RequiredError*>(&e) != nullptr ? unknown_command(app) : "";
    return fail(unknown.empty() ? e.what() : unknown, 2);
  } catch (const Error& e) {
    return fail(e.what(), exit_code(e.kind()));
  } catch (const SQLite::Exception& e) {
    return fail(fmt::format("database: {}", e.getErrorStr()), 1);
  } catch (const std::exception& e) {
    return fail(e.what(), 1);
  }
  std::fflush(stdout);
  return std::ferror(stdout) ? fail("cannot write to standard output", 1) : context.exit_code;
}

}  // namespace llmgw::cli
