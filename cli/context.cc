#include "cli/context.h"

#include "core/error.h"

#include <fmt/format.h>

#include <sys/stat.h>
#include <unistd.h>

namespace llmgw::cli {

bool Context::has_database() const {
  struct stat found {};
  return ::stat(resolve_db_path(db_flag).c_str(), &found) == 0 && S_ISREG(found.st_mode);
}

bool Context::default_can_ask() {
  return ::isatty(STDIN_FILENO) == 1 && ::isatty(STDERR_FILENO) == 1;
}

Store& Context::store() {
  if (!m_store) {
    std::string path = resolve_db_path(db_flag);
    if (!may_create_database && !has_database()) {
      throw Error(ErrorKind::not_found,
                  fmt::format("no database at {}; run 'llmgw init', or give --db / LLMGW_DB", path));
    }
    m_store = std::make_unique<Store>(path);
  }
  return *m_store;
}

}  // namespace llmgw::cli
