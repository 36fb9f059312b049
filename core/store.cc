#include "core/store.h"

#include "core/error.h"
#include "core/migrations.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace llmgw {

namespace {

[[noreturn]] void fail_errno(const std::string& what, const std::string& path) {
  throw_io(fmt::format("cannot {} '{}': {}", what, path, std::strerror(errno)));
}

// mkdir -p with mode 0700 for every folder it creates; existing folders are left alone.
void make_folders(const std::string& path) {
  for (std::size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    std::string folder = path.substr(0, slash);
    if (mkdir(folder.c_str(), 0700) == 0) {
      if (chmod(folder.c_str(), 0700) != 0) {
        fail_errno("set the mode of folder", folder);
      }
    } else if (errno != EEXIST) {
      fail_errno("create folder", folder);
    }
  }
}

// Creates the database file 0600 before SQLite opens it, so the mode does not depend on
// the umask; SQLite gives the -wal and -shm files the database file's mode.
void create_file_if_absent(const std::string& path) {
  struct stat st{};
  if (stat(path.c_str(), &st) == 0) {
    return;
  }
  make_folders(path);
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return;  // another process created it first
    }
    fail_errno("create database", path);
  }
  int status = fchmod(fd, 0600);
  close(fd);
  if (status != 0) {
    fail_errno("set the mode of", path);
  }
}

SQLite::Database open_database(const std::string& path) {
  create_file_if_absent(path);
  try {
    return SQLite::Database(path, SQLite::OPEN_READWRITE | SQLite::OPEN_FULLMUTEX);
  } catch (const SQLite::Exception& e) {
    throw_io(fmt::format("cannot open database '{}': {}", path, e.getErrorStr()));
  }
}

}  // namespace

Store::Store(const std::string& path) : m_path(path), m_db(open_database(path)) {
  try {
    m_db.setBusyTimeout(5000);
    m_db.exec("PRAGMA foreign_keys = ON");
    // In WAL mode, NORMAL makes a commit durable against a crash of any process (the WAL
    // is written before the commit returns) without an fsync per commit; only an OS
    // crash or power loss can lose the last commits before it. FULL would cost one fsync
    // (milliseconds) per request for that.
    m_db.exec("PRAGMA synchronous = NORMAL");
    // The journal mode is stored in the file; switching needs no transaction open.
    m_db.exec("PRAGMA journal_mode = WAL");
    // Reads through a memory map instead of a pread per page: listing 10,000 keys reads
    // ~500 pages.
    m_db.exec("PRAGMA mmap_size = 268435456");
  } catch (const SQLite::Exception& e) {
    throw_io(fmt::format("cannot use database '{}': {}", path, e.getErrorStr()));
  }
  migrate(m_db, m_path);
}

SQLite::Statement& Store::statement(const char* sql) {
  auto& slot = m_statements[sql];
  if (!slot) {
    slot = std::make_unique<SQLite::Statement>(m_db, sql);
  } else {
    slot->reset();
    slot->clearBindings();
  }
  return *slot;
}

SQLite::Transaction Store::write_transaction() {
  return SQLite::Transaction(m_db, SQLite::TransactionBehavior::IMMEDIATE);
}

}  // namespace llmgw
