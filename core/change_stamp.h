#pragma once
// The change stamp: eight bytes in a file beside the database (`<db>-changes`) that an
// llmgw process rewrites after each commit that may change configuration (keys, rules,
// catalog), with a value no process wrote before. The daemon compares it before each
// request and reads the database's config_version only when it differs (or a while has
// passed), so a CLI change holds on the next request at the cost of reading eight mapped
// bytes instead of an SQLite read transaction per request. Comparing for equality is all
// it takes: a torn write only makes the daemon look at the database once more than needed.
// Like SQLite's -shm file, the file must not be truncated while processes have it open
// (reading a mapped page past the end of a file raises SIGBUS); llmgw only ever writes its
// eight bytes in place.
//
// Missing the file is never an error: a process that cannot open it (permissions) writes
// no stamp, and its changes are seen when the daemon next reads config_version anyway
// (KeyDirectory::k_recheck_interval); a reader without it reports `usable() == false`,
// whose owner then reads the database on every request. The file is named after the
// database's real path (symbolic links resolved), so every process finds the same one;
// a daemon keeps the file it opened at start (a deleted one is no longer seen).
#include <cstdint>
#include <string>

namespace llmgw {

// Appended to the database path.
inline constexpr const char* k_change_stamp_suffix = "-changes";

class ChangeStamp {
public:
  // Opens `<db_path>-changes`, creating it with the database file's mode (and, for root,
  // its owner) when absent.
  explicit ChangeStamp(const std::string& db_path);
  ~ChangeStamp();
  ChangeStamp(const ChangeStamp&) = delete;
  ChangeStamp& operator=(const ChangeStamp&) = delete;

  bool usable() const { return m_stamp != nullptr; }
  // The stamp now; 0 when the file holds none or cannot be read.
  std::uint64_t read() const;
  // Writes a new stamp. Failures are ignored (see above).
  void renew();

private:
  int m_fd = -1;
  const std::uint64_t* m_stamp;  // the file's first eight bytes, mapped; nullptr without
  std::uint64_t m_next;  // this process's stamps count up from here
};

}  // namespace llmgw
