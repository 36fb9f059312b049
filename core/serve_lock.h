#pragma once
// Whether a gateway is running on a database: `llmgw serve` holds a shared flock(2) on
// the database file while it runs, and `served()` asks for an exclusive one without
// waiting. flock locks are apart from the POSIX record locks SQLite takes, but closing any
// descriptor of the file drops this process's record locks: a ServeLock is released only
// after the gateway has stopped, when no transaction is open.
#include <string>

namespace llmgw {

class ServeLock {
public:
  // Waits for a `served()` probe to let go, never for another gateway. Throws Error(io)
  // when the file cannot be opened or locked.
  explicit ServeLock(const std::string& db_path);
  ~ServeLock();
  ServeLock(const ServeLock&) = delete;
  ServeLock& operator=(const ServeLock&) = delete;

private:
  int m_fd;
};

enum class Served { yes, no, unknown };

// `unknown` when the file cannot be opened (absent, or not readable by this user). Call it
// before this process opens the database with SQLite (see above).
Served served(const std::string& db_path);

}  // namespace llmgw
