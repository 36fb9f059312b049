#include "core/request_log.h"
#include "tests/support/logged_requests.h"
#include "tests/support/temp_dir.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

using llmgw::LogEntry;
using llmgw::LogFilter;
using llmgw::RequestLog;
using test::request;

namespace {

struct Log {
  test::TempDir dir;
  llmgw::Store store{dir.file("llmgw.db")};
  RequestLog log{store};

  Log() {
    llmgw::UsageLedger(store).commit({
        request("key_a", "2026-11-27T10:00:00Z", "gpt-4o", "openai"),
        request("key_b", "2026-11-27T10:01:00Z", "o3", "", 403),
        request("key_a", "2026-11-27T10:02:00Z", "claude", "anthropic", 500),
        request("key_b", "2026-11-27T10:03:00Z", "gpt-4o", "openai", 200, 7, 8, 9, "0.25"),
    });
  }
};

// "id:key:model:status" per entry, in order.
std::string ids(const std::vector<LogEntry>& entries) {
  std::string out;
  for (const auto& e : entries) {
    out += fmt::format("{}:{}:{}:{} ", e.id, e.record.key_id, e.record.requested_model,
                       e.record.status);
  }
  return out;
}

}  // namespace

TEST_CASE("request log: newest first, at most the limit, up to an id") {
  Log l;
  CHECK(l.log.last_id() == 4);
  CHECK(ids(l.log.newest({}, 50, 4)) ==
        "4:key_b:gpt-4o:200 3:key_a:claude:500 2:key_b:o3:403 1:key_a:gpt-4o:200 ");
  CHECK(ids(l.log.newest({}, 2, 4)) == "4:key_b:gpt-4o:200 3:key_a:claude:500 ");
  CHECK(ids(l.log.newest({}, 50, 2)) == "2:key_b:o3:403 1:key_a:gpt-4o:200 ");
}

TEST_CASE("request log: filters by key, by requested or served model, by status") {
  Log l;
  CHECK(ids(l.log.newest({"key_a", {}, {}, {}}, 50, 4)) == "3:key_a:claude:500 1:key_a:gpt-4o:200 ");
  CHECK(ids(l.log.newest({{}, "gpt-4o", {}, {}}, 50, 4)) ==
        "4:key_b:gpt-4o:200 1:key_a:gpt-4o:200 ");
  CHECK(ids(l.log.newest({{}, {}, 403, {}}, 50, 4)) == "2:key_b:o3:403 ");
  CHECK(ids(l.log.newest({"key_b", "gpt-4o", 200, {}}, 50, 4)) == "4:key_b:gpt-4o:200 ");
  CHECK(ids(l.log.newest({"key_nobody", {}, {}, {}}, 50, 4)) == "");
}

TEST_CASE("request log: between two ids is oldest first, and reads every field back") {
  Log l;
  std::vector<LogEntry> entries = l.log.between({"key_b", {}, {}, {}}, 2, 4);
  CHECK(ids(entries) == "4:key_b:gpt-4o:200 ");
  const llmgw::UsageRecord& r = entries.at(0).record;
  CHECK(fmt::format("{} {} {} {} {} {} {} {} {} {} {}", r.request_id, llmgw::format_iso(r.time),
                    r.served_model, r.provider, r.error_code, r.prompt_tokens,
                    r.completion_tokens, r.cached_tokens, r.cost.to_usd(), r.latency_ms,
                    r.ttft_ms.has_value()) ==
        "req_1795773780000 2026-11-27T10:03:00Z gpt-4o openai  7 8 9 0.25 100 false");
  CHECK(ids(l.log.between({}, 0, 3)) ==
        "1:key_a:gpt-4o:200 2:key_b:o3:403 3:key_a:claude:500 ");
  CHECK(ids(l.log.between({}, 4, 4)) == "");
}

TEST_CASE("request log: an empty log has last id 0") {
  test::TempDir dir;
  llmgw::Store store(dir.file("llmgw.db"));
  CHECK(RequestLog(store).last_id() == 0);
  CHECK(RequestLog(store).newest({}, 50, 0).empty());
}
