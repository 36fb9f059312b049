// The README's commands as a new user runs them. A ```sh block whose line before the fence
// is exactly `<!-- test: run -->` (an HTML comment, which a reader of the rendered README
// does not see) is run here as written, in the order of the file, each in its own
// `bash -euo pipefail`, all of them on one fresh machine: a scratch HOME and
// XDG_DATA_HOME with no database yet, a clone folder whose `build/llmgw` is the binary
// under test, that binary on PATH as `llmgw`, no LLMGW_* or provider variable, and a
// network namespace of the test's own, where only loopback exists and 127.0.0.1:8080 is
// free. Blocks left unmarked cannot run so: they install packages, start `llmgw serve` in
// the foreground, run systemd or a client (`claude`, `codex`), or a command of the
// reader's own (the CI pipeline's `./run-the-tests`), or show placeholders (`key_...`).
// The test fails on the first marked block that fails, showing the block and its output
// (secrets masked).
#include "tests/support/cli_outcome.h"
#include "tests/support/network_namespace.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

namespace {

const char* const k_marker = "<!-- test: run -->";

// The marked ```sh blocks of `markdown`, in order. A marker before anything but a ```sh
// fence, or a block never closed, is an error in the README: it fails the test.
std::vector<std::string> marked_blocks(const std::string& markdown) {
  std::vector<std::string> blocks;
  std::istringstream in(markdown);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line != k_marker) {
      continue;
    }
    std::getline(in, line);
    ++number;
    if (line != "```sh") {
      FAIL_CHECK("README.md:" << number << ": the marker is followed by '" << line
                              << "', not a ```sh fence");
      continue;
    }
    std::string block;
    bool closed = false;
    while (std::getline(in, line)) {
      ++number;
      if (line == "```") {
        closed = true;
        break;
      }
      block += line + "\n";
    }
    CHECK_MESSAGE(closed, "README.md: the block marked before line " << number << " never ends");
    blocks.push_back(block);
  }
  return blocks;
}

}  // namespace

TEST_CASE("the README's blocks marked to run work as written, in order, on a fresh machine") {
  REQUIRE(test::isolate_network() == "");
  std::vector<std::string> blocks =
      marked_blocks(test::read_file(std::string(LLMGW_SOURCE_DIR) + "/README.md"));
  REQUIRE(blocks.size() >= 2);  // the quick start and the keys at least: a lost marker shows
  test::TempDir machine;
  const std::string clone = machine.file("llmgw");
  const std::string bin = machine.file("bin");
  REQUIRE(test::run({"/bin/mkdir", "-p", clone + "/build", bin, machine.file("home")}).exit_code ==
          0);
  for (const std::string& link : {clone + "/build/llmgw", bin + "/llmgw"}) {
    REQUIRE(test::run({"/bin/ln", "-s", test::llmgw_bin(), link}).exit_code == 0);
  }
  test::RunOptions options;
  options.env = {{"HOME", machine.file("home")},
                 {"XDG_DATA_HOME", machine.file("home/.local/share")},
                 {"PATH", bin + ":/usr/local/bin:/usr/bin:/bin"}};
  options.unset_env = {"LLMGW_DB", "LLMGW_LISTEN", "LLMGW_THREADS", "LLMGW_ACCESS_LOG",
                       "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "NO_COLOR"};
  options.timeout_seconds = 60;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    test::Result r = test::run(
        {"/usr/bin/env", "-C", clone, "/bin/bash", "-euo", "pipefail", "-c", blocks[i]}, options);
    INFO("block " << i + 1 << " of " << blocks.size() << ":\n" << blocks[i] << "exit "
                  << r.exit_code << "\nstdout:\n" << test::mask_secrets(r.out) << "\nstderr:\n"
                  << test::mask_secrets(r.err));
    REQUIRE(r.exit_code == 0);
  }
}
