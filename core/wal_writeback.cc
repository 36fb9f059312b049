#include "core/wal_writeback.h"

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

namespace llmgw {

WalWriteback::~WalWriteback() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

void WalWriteback::after_commit(sqlite3* db, int frames) {
  if (frames < m_written) {
    m_written = 0;  // a checkpoint copied the WAL back and a commit started it over
  }
  if (frames - m_written < k_frames) {
    return;
  }
  if (!m_tried) {
    m_tried = true;
    // The name SQLite itself uses: the database's full path (links resolved) and "-wal".
    const char* database = sqlite3_db_filename(db, "main");
    if (database != nullptr && *database != '\0') {
      m_fd = ::open((std::string(database) + "-wal").c_str(), O_RDONLY | O_CLOEXEC);
    }
  }
  if (m_fd >= 0) {
    ::sync_file_range(m_fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  }
  m_written = frames;
}

}  // namespace llmgw
