// Admission (daemon/key_directory.h): a reservation is capped at what remains of the
// tighter budget, and at most one capped reservation of a key is in flight.
#include "daemon/key_directory.h"

#include "core/key_store.h"
#include "core/store.h"
#include "tests/support/temp_dir.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>

using llmgw::Money;
using namespace llmgw::daemon;

namespace {

Money usd(const char* amount) {
  return Money::parse_usd(amount);
}

// A key made with `spec` in a fresh database, and the daemon's directory of it.
struct Admissions {
  explicit Admissions(const llmgw::NewKey& spec) {
    {
      llmgw::Store store(db);
      const llmgw::SystemClock clock;
      secret = llmgw::KeyStore(store, clock).create(spec).secret;
    }
    config = keys.find(secret);
    REQUIRE(config);
  }

  // "<amount> capped" or "<amount>" for an admission; "<status> <code>: <message>
  // <extra>" for a refusal.
  std::string admit(const char* estimate) {
    try {
      Reservation r = keys.admit(*config, usd(estimate), now);
      last = r;
      return r.amount.to_usd() + (r.capped == Capped::yes ? " capped" : "");
    } catch (const HttpError& e) {
      return std::to_string(e.status()) + " " + e.code() + ": " + e.what() + " " +
             e.extra().dump();
    }
  }

  // Settles `r` as committed with the key's usage now `usage` (period usage alike).
  void settle(const Reservation& r, const char* usage) {
    keys.settle(r, llmgw::KeyUsage{config->key.id, usd(usage), usd(usage),
                                   config->key.period_limit
                                       ? config->key.period_limit->window_at(now).start
                                       : 0,
                                   now});
  }

  test::TempDir dir;
  const std::string db = dir.file("llmgw.db");
  const llmgw::Timestamp now = llmgw::SystemClock().now();
  std::string secret;
  KeyDirectory keys{db};
  std::shared_ptr<const KeyConfig> config;
  std::optional<Reservation> last;
};

}  // namespace

TEST_CASE("key directory: while a capped reservation is in flight, a request that would need "
          "capping is refused like a spent budget, settling the capped one lifts that") {
  llmgw::NewKey spec;
  spec.description = "limited";
  spec.usage_limit = usd("1");
  Admissions a(spec);

  CHECK(a.admit("0.4") == "0.4");
  Reservation first = *a.last;
  CHECK(a.admit("0.4") == "0.4");
  Reservation second = *a.last;
  CHECK(a.admit("0.4") == "0.2 capped");
  Reservation capped = *a.last;
  // The first costs a tenth of what it reserved: the room it frees stays for the capped
  // request, which may cost its whole estimate.
  a.settle(first, "0.1");
  CHECK(a.admit("0.4") ==
        "402 budget_exceeded: Usage limit reached: $0.1 of $1 used, $0.6 reserved by requests "
        "in flight, the rest held for one whose reservation was capped "
        R"({"limit":"1","resets_at":null,"used":"0.1"})");
  // A request that fits what remains needs no capping.
  CHECK(a.admit("0.3") == "0.3");
  Reservation fits = *a.last;
  a.settle(fits, "0.2");
  // Once the capped one has settled, another may be capped.
  a.settle(capped, "0.4");
  CHECK(a.admit("0.4") == "0.2 capped");
  Reservation capped_again = *a.last;
  a.settle(second, "0.8");
  // It costs its whole estimate: usage passes the limit by that one's shortfall.
  a.settle(capped_again, "1.2");
  CHECK(a.admit("0.01") ==
        "402 budget_exceeded: Usage limit reached: $1.2 of $1 used "
        R"({"limit":"1","resets_at":null,"used":"1.2"})");
  CHECK(a.keys.balance(*a.config, a.now).reserved == Money());
}

TEST_CASE("key directory: a period budget holds its room for its capped reservation too") {
  llmgw::NewKey spec;
  spec.description = "daily";
  spec.period_limit = llmgw::PeriodLimitSpec{usd("1"), llmgw::Period::parse("1d")};
  Admissions a(spec);
  const std::string resets_at =
      llmgw::format_iso(a.config->key.period_limit->window_at(a.now).end);

  CHECK(a.admit("0.7") == "0.7");
  Reservation first = *a.last;
  CHECK(a.admit("0.7") == "0.3 capped");
  a.settle(first, "0.2");
  CHECK(a.admit("0.6") ==
        "402 period_budget_exceeded: Period usage limit reached: $0.2 of $1 per 1d used, $0.3 "
        "reserved by requests in flight, the rest held for one whose reservation was capped; "
        "resets at " + resets_at + R"( {"limit":"1","resets_at":")" + resets_at +
            R"(","used":"0.2"})");
  CHECK(a.admit("0.5") == "0.5");
}
