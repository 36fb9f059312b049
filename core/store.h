#pragma once
// The SQLite database shared by the CLI and the daemon. One Store is one connection, used
// by one thread at a time.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "core/change_stamp.h"
#include "core/wal_writeback.h"

#include <memory>
#include <string>
#include <unordered_map>

struct sqlite3;

namespace llmgw {

class Store;

// A write transaction: BEGIN IMMEDIATE, committed by commit() and rolled back when it ends
// without one. Inside a dry run (Store::begin_dry_run) it is a savepoint of the dry run's
// transaction instead, so that what it commits is rolled back with everything else.
class WriteTransaction {
public:
  explicit WriteTransaction(Store& store);
  WriteTransaction(WriteTransaction&& other) noexcept;
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  WriteTransaction& operator=(WriteTransaction&&) = delete;
  ~WriteTransaction();

  void commit();

private:
  SQLite::Database* m_db;
  bool m_savepoint;
  bool m_open = true;
};

// read_write: what every command and the daemon use. read_only: for looking without
// touching (`llmgw doctor`), see Store::Store.
enum class Access { read_write, read_only };

class Store {
public:
  // Opens the database at `path`, creating it when absent (missing folders 0700, the file
  // 0600, whatever the umask), and brings its schema up to date. Throws Error(io) when
  // the file cannot be opened and when its schema is newer than this binary knows.
  //
  // With Access::read_only it writes nothing, neither to the file nor beside it: the file
  // must exist, its schema and journal mode stay as they are (reading a schema other than
  // the latest is the caller's risk), and no -wal or -shm file is made where there was
  // none (SQLite makes them even for a read-only connection, and one made by root beside
  // the service's database would keep the service out of it). Writing through it fails.
  explicit Store(const std::string& path, Access access = Access::read_write);
  // The commit hook holds `this`.
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  SQLite::Database& db() { return m_db; }
  const std::string& path() const { return m_path; }

  // A prepared statement for `sql`, parsed once per Store and reset for reuse. `sql`
  // must be a string literal: its address is the cache key.
  SQLite::Statement& statement(const char* sql);

  // BEGIN IMMEDIATE: every read-then-write takes the write lock before it reads.
  WriteTransaction write_transaction();

  // From here on nothing this connection writes reaches the database: one transaction
  // (holding the write lock) is opened, every write_transaction() becomes a savepoint in
  // it, and it is rolled back by end_dry_run() or when the Store closes. For `--dry-run`,
  // which runs the real change and reports what it did. Throws SQLite::Exception when the
  // write lock does not come.
  void begin_dry_run();
  void end_dry_run();
  bool in_dry_run() const { return m_dry_run; }
  ~Store();

  // Copies every committed page from the WAL into the database file while holding the
  // write lock (see store.cc), waiting at most `wait_ms` for it. Returns false when the
  // lock did not come in time, or when readers of older snapshots kept frames in the WAL.
  // For a process that stops: the WAL file is left fully copied, not truncated.
  bool checkpoint(int wait_ms);

  // After each commit the change stamp is renewed (core/change_stamp.h), so that a running
  // daemon sees the change on its next request. A connection whose commits never change
  // configuration (the daemon's usage) turns that off, or it would send the daemon back
  // to the database after every batch of usage.
  void stamp_commits(bool on) { m_stamps_commits = on; }

  // A commit that leaves at least this many frames in the WAL checkpoints it (SQLite's
  // own automatic threshold), unless another connection is writing at that moment.
  static constexpr int k_checkpoint_frames = 1000;

private:
  // SQLite's WAL hook: after each commit of m_db, with the WAL's size in frames.
  static int after_commit(void* store, sqlite3* db, const char* schema, int frames);

  std::string m_path;
  bool m_stamps_commits = true;
  bool m_dry_run = false;
  std::unique_ptr<ChangeStamp> m_change_stamp;  // opened at the first commit it stamps
  WalWriteback m_wal_writeback;
  // Holds the write lock while m_db checkpoints (see store.cc for why). Opened when a
  // checkpoint is first due, which most CLI commands never reach; its busy timeout is the
  // wait of the checkpoint under way (0 from the commit hook: skip, do not wait). Declared
  // before m_db, whose commit hook uses it, so that it outlives m_db.
  std::unique_ptr<SQLite::Database> m_checkpoint_lock;
  SQLite::Database m_db;  // declared before the statements that borrow it
  std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>> m_statements;
};

}  // namespace llmgw
