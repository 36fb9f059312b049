#pragma once
// What every command shares: the global options, the clock and the database, which is
// opened on first use so that `--help` and `version` never touch it. Only `init` and
// `serve` make a database where there is none: any other command would act on an empty
// one at a wrong or unset path (a backup of nothing, a key the gateway never sees).
#include "cli/field_selection.h"
#include "cli/output.h"
#include "core/db_path.h"
#include "core/store.h"
#include "core/timestamp.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace llmgw::cli {

enum class Format { human, json };

class Context {
public:
  std::optional<std::string> db_flag;
  // --json, --jq or both: print JSON (cli/output_options.h).
  bool json = false;
  // --json=FIELDS, once the command is known: what print_json leaves of each record.
  std::optional<FieldSelection> selection;
  bool no_headers = false;
  int exit_code = 0;  // for commands that answer "no" without failing (key check)
  // Set by `init` and `serve` before they open the database: they may make it.
  bool may_create_database = false;
  // -y/--yes and --dry-run of the commands that change the database (cli/guard.h).
  bool yes = false;
  bool dry_run = false;
  // Whether a person can be asked: stdin and stderr are both terminals. A seam for tests.
  std::function<bool()> can_ask = default_can_ask;

  // Whether stdout is a terminal, where a person reads tables; elsewhere they are
  // tab-separated lines for programs. A seam for tests.
  std::function<bool()> stdout_is_terminal = default_stdout_is_terminal;

  static bool default_can_ask();
  static bool default_stdout_is_terminal();

  Format format() const { return json ? Format::json : Format::human; }
  TableStyle table_style() const;
  const Clock& clock() const { return m_clock; }
  // Whether a file is at the database's path (locate_database; throws what it throws).
  bool has_database() const;
  // The database, opened (and migrated) on first use. Throws Error(not_found) "no database
  // at PATH; run 'llmgw init', or give --db / LLMGW_DB" when there is no file at its path
  // and the command may not make one.
  Store& store();

private:
  SystemClock m_clock;
  std::unique_ptr<Store> m_store;
};

}  // namespace llmgw::cli
