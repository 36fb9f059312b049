#include "tests/support/db_dump.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <sys/stat.h>

namespace test {

std::string dump_database(const std::string& path) {
  struct stat st{};
  if (stat(path.c_str(), &st) != 0) {
    return "";
  }
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  std::string out = "user_version=" + db.execAndGet("PRAGMA user_version").getString() + "\n";
  SQLite::Statement tables(db, "SELECT name, sql FROM sqlite_schema WHERE sql IS NOT NULL "
                               "ORDER BY type, name");
  while (tables.executeStep()) {
    std::string name = tables.getColumn(0).getString();
    out += tables.getColumn(1).getString() + "\n";
    SQLite::Statement type(db, "SELECT type FROM sqlite_schema WHERE name = ?");
    type.bind(1, name);
    if (!type.executeStep() || type.getColumn(0).getString() != "table") {
      continue;
    }
    SQLite::Statement rows(db, "SELECT * FROM \"" + name + "\" ORDER BY 1");
    while (rows.executeStep()) {
      out += "  " + name + ":";
      for (int i = 0; i < rows.getColumnCount(); ++i) {
        auto column = rows.getColumn(i);
        out += " " + (column.isNull() ? std::string("NULL") : column.getString());
      }
      out += "\n";
    }
  }
  return out;
}

}  // namespace test
