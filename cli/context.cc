#include "cli/context.h"

#include "core/error.h"
#include "core/migrations.h"

#include <fmt/format.h>

#include <unistd.h>

namespace llmgw::cli {

bool Context::has_database() const {
  return is_regular_file(locate_database(db_flag).path);
}

bool Context::default_can_ask() {
  return ::isatty(STDIN_FILENO) == 1 && ::isatty(STDERR_FILENO) == 1;
}

namespace {

// A dry run writes nothing, and an upgrade cannot be rolled back with it: the journal mode
// and each migration step are committed apart.
void refuse_upgrade(const std::string& path) {
  int version = [&] {
    Store store(path, Access::read_only);
    return schema_version(store.db());
  }();
  if (version < latest_schema_version()) {
    throw_conflict(fmt::format("the database's schema is version {}, and --dry-run cannot "
                               "upgrade it to {} without writing; run 'llmgw init' first",
                               version, latest_schema_version()));
  }
}

}  // namespace

bool Context::default_stdout_is_terminal() {
  return ::isatty(STDOUT_FILENO) == 1;
}

TableStyle Context::table_style() const {
  return {stdout_is_terminal() ? TableLayout::aligned : TableLayout::tab_separated,
          no_headers ? Headers::no : Headers::yes};
}

Store& Context::store() {
  if (!m_store) {
    std::string path = locate_database(db_flag).path;
    if (!may_create_database && !is_regular_file(path)) {
      throw Error(ErrorKind::not_found,
                  fmt::format("no database at {}; run 'llmgw init', or give --db / LLMGW_DB", path));
    }
    if (dry_run) {
      refuse_upgrade(path);
    }
    m_store = std::make_unique<Store>(path);
  }
  return *m_store;
}

}  // namespace llmgw::cli
