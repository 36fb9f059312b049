#include "core/api_key.h"
#include "tests/support/thrown.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

using llmgw::ApiKey;
using llmgw::KeyStatus;
using llmgw::Money;
using llmgw::validate_description;
using nlohmann::json;
using test::invalid;
using test::thrown_by;

namespace {

llmgw::Timestamp at(const std::string& iso) {
  return llmgw::parse_iso(iso, "time");
}

std::optional<test::Thrown> description_error(const std::string& text) {
  return thrown_by([&] { validate_description(text); });
}

std::string repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) {
    out += text;
  }
  return out;
}

}  // namespace

TEST_CASE("api key: a description has 1 to 255 characters") {
  CHECK_FALSE(description_error("x"));
  CHECK_FALSE(description_error(std::string(255, 'x')));
  CHECK(description_error("") == invalid("invalid description: must be 1 to 255 characters, got 0"));
  CHECK(description_error(std::string(256, 'x')) ==
        invalid("invalid description: must be 1 to 255 characters, got 256"));
}

TEST_CASE("api key: description length counts characters, not bytes") {
  CHECK_FALSE(description_error(repeat("\xc3\xa9", 255)));          // é: 510 bytes
  CHECK_FALSE(description_error(repeat("\xf0\x9f\x94\x91", 255)));  // 🔑: 1020 bytes
  CHECK(description_error(repeat("\xc3\xa9", 256)) ==
        invalid("invalid description: must be 1 to 255 characters, got 256"));
}

TEST_CASE("api key: a description has no control characters") {
  for (std::string text : {std::string("a\tb"), std::string("a\nb"), std::string("a\rb"),
                           std::string("a\x7f"), std::string("\x1b[31mred"), std::string("a\0b", 3),
                           std::string("a\xc2\x85"), std::string("a\xc2\x9f")}) {
    CAPTURE(text.size());
    CHECK(description_error(text) ==
          invalid("invalid description: control characters are not allowed"));
  }
  CHECK_FALSE(description_error("caf\xc3\xa9 \xe2\x82\xac 100 \xc2\xa0 ok"));
}

TEST_CASE("api key: a description is valid UTF-8") {
  for (std::string text : {"\xff", "a\x80", "\xc3", "\xc3(", "\xe2\x82", "\xf0\x9f\x94",
                           "\xf8\x88\x80\x80\x80",
                           "\xc1\x81",          // overlong 'A'
                           "\xe0\x81\x81",      // overlong 'A'
                           "\xf0\x80\x81\x81",  // overlong 'A'
                           "\xed\xa0\x80",      // a UTF-16 surrogate
                           "\xf4\x90\x80\x80"}) {  // past U+10FFFF
    CAPTURE(json(std::string(text)).dump(-1, ' ', true, json::error_handler_t::replace));
    CHECK(description_error(text) == invalid("invalid description: not valid UTF-8"));
  }
  CHECK_FALSE(description_error("\xf4\x8f\xbf\xbf"));  // U+10FFFF, the last code point
}

TEST_CASE("api key: status names round-trip") {
  for (KeyStatus s : {KeyStatus::active, KeyStatus::disabled, KeyStatus::deleted}) {
    CHECK(llmgw::parse_key_status(llmgw::to_string(s)) == s);
  }
  CHECK(thrown_by([] { llmgw::parse_key_status("Active"); }) ==
        invalid("invalid key status 'Active'"));
}

TEST_CASE("api key: the JSON form of a key with everything unset") {
  ApiKey key;
  key.id = "key_aaaaaaaaaaaa";
  key.prefix = "llmgtwy_AbCd";
  key.description = "plain";
  key.created_at = at("2026-03-10T15:20:00.250Z");
  key.updated_at = at("2026-03-10T15:20:00.250Z");
  CHECK(llmgw::to_json(key, at("2026-03-10T16:00:00Z")) == json::parse(R"({
    "id": "key_aaaaaaaaaaaa", "prefix": "llmgtwy_AbCd", "description": "plain",
    "status": "active", "expired": false, "usage": "0", "usage_limit": null,
    "period_limit": null, "expires_at": null, "created_at": "2026-03-10T15:20:00.250Z",
    "updated_at": "2026-03-10T15:20:00.250Z", "last_used_at": null,
    "traffic_limits": {"requests_per_minute": null, "requests_per_day": null,
                       "tokens_per_minute": null, "max_parallel": null}})"));
}

TEST_CASE("api key: the JSON form of a key with limits, usage and an expiry") {
  ApiKey key;
  key.id = "key_bbbbbbbbbbbb";
  key.prefix = "llmgtwy_XyZ0";
  key.description = "metered";
  key.status = KeyStatus::disabled;
  key.usage_limit = Money::parse_usd("100");
  key.usage = Money::parse_usd("12.345");
  key.period_limit = llmgw::PeriodLimit{Money::parse_usd("5"), llmgw::Period::parse("1d"),
                                        at("2026-03-10"), at("2026-03-10"),
                                        Money::parse_usd("0.5")};
  key.expires_at = at("2026-03-11");
  key.created_at = at("2026-03-10T01:00:00Z");
  key.updated_at = at("2026-03-10T02:00:00Z");
  key.last_used_at = at("2026-03-10T03:00:00Z");
  key.traffic = {60, std::nullopt, 20000, 5};
  CHECK(llmgw::to_json(key, at("2026-03-10T16:00:00Z")) == json::parse(R"({
    "id": "key_bbbbbbbbbbbb", "prefix": "llmgtwy_XyZ0", "description": "metered",
    "status": "disabled", "expired": false, "usage": "12.345", "usage_limit": "100",
    "period_limit": {"amount": "5", "period": "1d", "usage": "0.5",
                     "window_start": "2026-03-10T00:00:00Z",
                     "resets_at": "2026-03-11T00:00:00Z"},
    "expires_at": "2026-03-11T00:00:00Z", "created_at": "2026-03-10T01:00:00Z",
    "updated_at": "2026-03-10T02:00:00Z", "last_used_at": "2026-03-10T03:00:00Z",
    "traffic_limits": {"requests_per_minute": 60, "requests_per_day": null,
                       "tokens_per_minute": 20000, "max_parallel": 5}})"));
}

TEST_CASE("api key: after its window has passed, period usage counts as zero") {
  llmgw::PeriodLimit limit{Money::parse_usd("5"), llmgw::Period::parse("1d"), at("2026-03-10"),
                           at("2026-03-10"), Money::parse_usd("4")};
  CHECK(limit.usage_at(at("2026-03-10T23:59:59.999Z")) == Money::parse_usd("4"));
  CHECK(limit.usage_at(at("2026-03-11T00:00:00Z")) == Money());
  ApiKey key;
  key.period_limit = limit;
  key.expires_at = at("2026-03-11");
  json document = llmgw::to_json(key, at("2026-03-11T08:00:00Z"));
  CHECK(document["expired"] == true);
  CHECK(document["period_limit"] == json::parse(R"({"amount": "5", "period": "1d", "usage": "0",
      "window_start": "2026-03-11T00:00:00Z", "resets_at": "2026-03-12T00:00:00Z"})"));
}
