#pragma once
// Early writeback of the WAL. SQLite writes committed pages to the WAL through the page
// cache; with synchronous=NORMAL they reach the disk only when a checkpoint fsyncs the
// WAL, and that fsync, which runs under the write lock (see core/store.cc), then has to
// write everything committed since the last one. Every k_frames frames this asks the
// kernel to start writing the WAL out (sync_file_range, SYNC_FILE_RANGE_WRITE: it does
// not wait), so the checkpoint finds little left to write and stalls the writers for
// less (bench/README.md, "Figures behind the design"). Durability is unchanged: this only
// writes earlier what the checkpoint's fsync writes anyway.
#include <string>

struct sqlite3;

namespace llmgw {

class WalWriteback {
public:
  static constexpr int k_frames = 128;  // 512 KiB of 4 KiB pages

  WalWriteback() = default;
  ~WalWriteback();
  WalWriteback(const WalWriteback&) = delete;
  WalWriteback& operator=(const WalWriteback&) = delete;

  // After a commit of `db` that left `frames` frames in its WAL. Never fails: without the
  // WAL file (or the system call) checkpoints simply write it all.
  void after_commit(sqlite3* db, int frames);

private:
  int m_fd = -1;          // the WAL file, opened at the first writeback due
  bool m_tried = false;   // to open it
  int m_written = 0;      // frames handed to the kernel; fewer after the WAL restarts
};

}  // namespace llmgw
