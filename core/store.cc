#include "core/store.h"

#include "core/error.h"
#include "core/migrations.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cerrno>
#include <mutex>
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

// SQLite's own locks guard nothing llmgw needs. A Store is used by one thread at a time
// (its cached statements demand that anyway), so connections are opened without a mutex of
// their own, and without the global one around SQLite's allocation statistics, which
// llmgw does not read. Either lock was taken for every bind, step and allocation.
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Only possible before SQLite's first use; if something else came first, the
    // statistics simply stay on.
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  });
}

SQLite::Database open_database(const std::string& path) {
  create_file_if_absent(path);
  configure_sqlite_once();
  try {
    return SQLite::Database(path, SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX);
  } catch (const SQLite::Exception& e) {
    throw_io(fmt::format("cannot open database '{}': {}", path, e.getErrorStr()));
  }
}

// Without a -wal file there is nothing but the database file to read, so SQLite is told
// that it cannot change (immutable=1) and then opens no -wal or -shm file; with one, a
// writer may be at work and the WAL must be read, through the -shm that is there already.
SQLite::Database open_read_only(const std::string& path) {
  struct stat st{};
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    throw_io(fmt::format("cannot open database '{}': no such file", path));
  }
  configure_sqlite_once();
  bool has_wal = stat((path + "-wal").c_str(), &st) == 0;
  std::string name = path;
  int flags = SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX;
  if (!has_wal) {
    // An empty authority ("file:///abs") so that "//x" is not read as a host.
    name = path.front() == '/' ? "file://" : "file:";
    for (char c : path) {  // percent-encoded where a URI gives the character a meaning
      name += c == '%' || c == '?' || c == '#'
                  ? fmt::format("%{:02X}", static_cast<unsigned char>(c))
                  : std::string(1, c);
    }
    name += "?immutable=1";
    flags |= SQLite::OPEN_URI;
  }
  try {
    return SQLite::Database(name, flags);
  } catch (const SQLite::Exception& e) {
    throw_io(fmt::format("cannot open database '{}': {}", path, e.getErrorStr()));
  }
}

}  // namespace

Store::Store(const std::string& path, Access access)
    : m_path(path),
      m_db(access == Access::read_only ? open_read_only(path) : open_database(path)) {
  if (access == Access::read_only) {
    m_db.setBusyTimeout(5000);
    return;
  }
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
  // Replaces SQLite's automatic checkpoints on this connection (one hook per connection).
  sqlite3_wal_hook(m_db.getHandle(), after_commit, this);
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

// Checkpoint policy. SQLite up to 3.51.2 (Debian 12 ships 3.40.1) has the "WAL-reset bug"
// (https://sqlite.org/wal.html#walresetbug): when a checkpoint starts right after another
// one has backfilled the whole WAL, and a commit on another connection resets the WAL
// while that second checkpoint runs, the checkpoint can record frames of the new WAL as
// already copied; a later checkpoint then skips them and the database loses those pages.
// SQLite's automatic checkpoints are PASSIVE and run without the write lock, after the
// commit of whichever connection crossed the threshold, so the daemon's connections and
// every CLI process race each other exactly that way. Here a connection checkpoints only
// while a second connection of the same Store holds the write lock (BEGIN IMMEDIATE):
// the WAL is reset only by a writer's first commit after a full checkpoint, and no writer
// can commit while that lock is held, so no reset can overlap any llmgw checkpoint. The
// checkpoint stays PASSIVE: it never waits for readers, so writers wait at most for the
// copy itself. When another connection holds the write lock the checkpoint is skipped,
// not waited for: that writer's own commit will try again. The checkpoint SQLite runs
// when the last connection closes holds an exclusive lock on the database file, which
// excludes every writer already.
int Store::after_commit(void* context, sqlite3* db, const char*, int frames) {
  auto* store = static_cast<Store*>(context);
  if (store->m_stamps_commits) {
    if (!store->m_change_stamp) {
      store->m_change_stamp = std::make_unique<ChangeStamp>(store->m_path);
    }
    store->m_change_stamp->renew();
  }
  store->m_wal_writeback.after_commit(db, frames);
  if (frames >= k_checkpoint_frames) {
    store->checkpoint(0);  // skipped while another connection writes
  }
  // The commit has happened: a checkpoint that failed or was skipped is not its error.
  return SQLITE_OK;
}

bool Store::checkpoint(int wait_ms) {
  if (!m_checkpoint_lock) {
    try {
      m_checkpoint_lock = std::make_unique<SQLite::Database>(m_path, SQLite::OPEN_READWRITE);
    } catch (const SQLite::Exception&) {
      return false;  // also called from SQLite's commit hook: nothing may be thrown through it
    }
  }
  sqlite3* lock = m_checkpoint_lock->getHandle();
  sqlite3_busy_timeout(lock, wait_ms);
  int wal_frames = -1;
  int copied = 0;
  if (sqlite3_exec(lock, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK) {
    sqlite3_wal_checkpoint_v2(m_db.getHandle(), "main", SQLITE_CHECKPOINT_PASSIVE, &wal_frames,
                              &copied);
  }
  if (sqlite3_get_autocommit(lock) == 0) {
    sqlite3_exec(lock, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return wal_frames == copied;
}

WriteTransaction Store::write_transaction() {
  return WriteTransaction(*this);
}

void Store::begin_dry_run() {
  m_db.exec("BEGIN IMMEDIATE");
  m_dry_run = true;
}

void Store::end_dry_run() {
  if (m_dry_run && sqlite3_get_autocommit(m_db.getHandle()) == 0) {
    sqlite3_exec(m_db.getHandle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  m_dry_run = false;
}

Store::~Store() {
  end_dry_run();
}

WriteTransaction::WriteTransaction(Store& store)
    : m_db(&store.db()), m_savepoint(store.in_dry_run()) {
  m_db->exec(m_savepoint ? "SAVEPOINT write_transaction" : "BEGIN IMMEDIATE");
}

WriteTransaction::WriteTransaction(WriteTransaction&& other) noexcept
    : m_db(other.m_db), m_savepoint(other.m_savepoint), m_open(other.m_open) {
  other.m_open = false;
}

WriteTransaction::~WriteTransaction() {
  if (!m_open) {
    return;
  }
  // A destructor throws nothing: a failed rollback leaves SQLite to roll back on close.
  sqlite3* db = m_db->getHandle();
  if (m_savepoint) {
    sqlite3_exec(db, "ROLLBACK TO write_transaction; RELEASE write_transaction", nullptr,
                 nullptr, nullptr);
  } else {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void WriteTransaction::commit() {
  m_db->exec(m_savepoint ? "RELEASE write_transaction" : "COMMIT");
  m_open = false;
}

}  // namespace llmgw
