#pragma once
#include <string>

namespace test {

// A fresh folder under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return m_path; }
  std::string file(const std::string& name) const { return m_path + "/" + name; }

private:
  std::string m_path;
};

// The whole content of a file ("" when it does not exist).
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);
// Whether anything (a file, a folder, a socket) is at `path`, following symbolic links.
bool exists(const std::string& path);

}  // namespace test
