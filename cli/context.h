#pragma once
// What every command shares: the global options, the clock and the database, which is
// opened on first use so that `--help` and `version` never touch it.
#include "core/db_path.h"
#include "core/store.h"
#include "core/timestamp.h"

#include <memory>
#include <optional>
#include <string>

namespace llmgw::cli {

enum class Format { human, json };

class Context {
public:
  std::optional<std::string> db_flag;
  bool json = false;
  int exit_code = 0;  // for commands that answer "no" without failing (key check)

  Format format() const { return json ? Format::json : Format::human; }
  const Clock& clock() const { return m_clock; }
  Store& store() {
    if (!m_store) {
      m_store = std::make_unique<Store>(resolve_db_path(db_flag));
    }
    return *m_store;
  }

private:
  SystemClock m_clock;
  std::unique_ptr<Store> m_store;
};

}  // namespace llmgw::cli
