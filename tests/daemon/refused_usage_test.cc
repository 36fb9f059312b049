// The accountant (daemon/accountant.h) meets a record its key's usage cannot take: that
// record alone is given up, logged once as usage_refused, and its response cut off; the
// rest of its batch commits, and no reservation stays.
#include "core/key_store.h"
#include "core/store.h"
#include "daemon/accountant.h"
#include "daemon/key_directory.h"
#include "tests/daemon/accountant_support.h"
#include "tests/support/daemon_log.h"
#include "tests/support/temp_dir.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

using namespace llmgw::daemon;
using test::done_soon;
using test::record_named;

namespace {

// Stderr, where the daemon's log lines go, redirected to a file while this lives.
class CapturedStderr {
public:
  explicit CapturedStderr(const std::string& path)
      : m_path(path), m_saved(::dup(STDERR_FILENO)) {
    int file = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    REQUIRE(file >= 0);
    REQUIRE(::dup2(file, STDERR_FILENO) == STDERR_FILENO);
    ::close(file);
  }
  ~CapturedStderr() { restore(); }
  // Puts stderr back; returns what was written to it meanwhile.
  std::string restore() {
    if (m_saved >= 0) {
      ::dup2(m_saved, STDERR_FILENO);
      ::close(m_saved);
      m_saved = -1;
    }
    std::ifstream in(m_path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

private:
  std::string m_path;
  int m_saved;
};

// The lines of `log` that hold `text`.
std::vector<std::string> lines_with(const std::string& log, const std::string& text) {
  std::vector<std::string> found;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(text) != std::string::npos) {
      found.push_back(line);
    }
  }
  return found;
}

}  // namespace

TEST_CASE("accountant: a record that cannot be charged is given up at once and alone, the "
          "rest of its batch commits, and every reservation is released") {
  test::TempDir dir;
  const std::string db = dir.file("llmgw.db");
  llmgw::CreatedKey full;
  llmgw::CreatedKey ordinary;
  {
    llmgw::Store store(db);
    const llmgw::SystemClock clock;
    llmgw::KeyStore key_store(store, clock);
    llmgw::NewKey spec;
    spec.description = "nearly full";
    full = key_store.create(spec);
    spec.description = "ordinary";
    ordinary = key_store.create(spec);
    // A dollar short of the largest amount llmgw counts.
    store.db().exec("UPDATE api_keys SET usage = 9223371036854775807 WHERE id = '" +
                    full.key.id + "'");
  }
  KeyDirectory keys(db);
  auto full_config = keys.find(full.secret);
  auto ordinary_config = keys.find(ordinary.secret);
  REQUIRE(full_config);
  REQUIRE(ordinary_config);
  const llmgw::Timestamp now = llmgw::SystemClock().now();
  const llmgw::Money dollar = llmgw::Money::parse_usd("1");

  CapturedStderr log(dir.file("stderr"));
  std::vector<std::shared_ptr<CommitTicket>> tickets;
  {
    // Retries would be seen: they are logged, and each takes a pause far longer than the
    // commit; one batch holds all four records.
    Accountant accountant(db, keys, CommitRetry{3, std::chrono::milliseconds(200)},
                          BatchWait{4, std::chrono::seconds(30)});
    for (int i = 0; i < 4; ++i) {
      accountant.announce();
    }
    auto submit = [&](const std::string& request_id, const KeyConfig& config, const char* cost) {
      llmgw::UsageRecord r = record_named(request_id);
      r.key_id = config.key.id;
      r.cost = llmgw::Money::parse_usd(cost);
      tickets.push_back(
          accountant.submit(r, keys.admit(config, dollar * 2, now), Announced::yes));
    };
    submit("req_ordinary_1", *ordinary_config, "0.25");
    submit("req_overflowing", *full_config, "1.5");
    submit("req_ordinary_2", *ordinary_config, "0.5");
    submit("req_fits", *full_config, "0.75");
    for (const auto& ticket : tickets) {
      CHECK(done_soon(*ticket));
    }
    CHECK(accountant.committed_batches() == 1);
  }
  const std::string stderr_text = log.restore();
  CHECK(tickets[0]->finish() == std::string());
  CHECK(tickets[1]->finish() == std::nullopt);  // given up: its response is cut off
  CHECK(tickets[2]->finish() == std::string());
  CHECK(tickets[3]->finish() == std::string());

  CHECK(lines_with(stderr_text, "usage_commit").empty());  // no failed attempt, no retry
  CHECK(lines_with(test::with_times_masked(stderr_text), "\"event\"") ==
        std::vector<std::string>{
            R"({"time":"T","level":"error","event":"usage_refused",)"
            R"("request_id":"req_overflowing",)"
            R"("key_id":")" + full.key.id + R"(","cost":"1.5","error":"its key's usage would )"
            R"(pass the largest amount llmgw counts: its response is cut off, as usage that )"
            R"(cannot be recorded is not served"})"});

  SQLite::Database reader(db, SQLite::OPEN_READONLY);
  CHECK(reader.execAndGet("SELECT group_concat(request_id, ' ') FROM "
                          "(SELECT request_id FROM request_log ORDER BY id)")
            .getString() == "req_ordinary_1 req_ordinary_2 req_fits");
  auto stored = [&reader](const llmgw::CreatedKey& key) {
    SQLite::Statement select(reader, "SELECT typeof(usage) || ':' || usage FROM api_keys "
                                     "WHERE id = ?");
    select.bind(1, key.key.id);
    REQUIRE(select.executeStep());
    return select.getColumn(0).getString();
  };
  CHECK(stored(full) == "integer:9223371786854775807");
  CHECK(stored(ordinary) == "integer:750000000000");

  KeyDirectory::Balance full_balance = keys.balance(*full_config, now);
  KeyDirectory::Balance ordinary_balance = keys.balance(*ordinary_config, now);
  CHECK(full_balance.reserved == llmgw::Money());
  CHECK(full_balance.usage.units() == 9223371786854775807);
  CHECK(ordinary_balance.reserved == llmgw::Money());
  CHECK(ordinary_balance.usage.units() == 750000000000);
}
