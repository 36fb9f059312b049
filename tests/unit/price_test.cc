#include "core/price.h"
#include "tests/support/thrown.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using llmgw::Money;
using llmgw::Price;
using nlohmann::json;

TEST_CASE("price: text in USD per 1M tokens is picodollars per token") {
  struct Row {
    const char* text;
    std::int64_t per_token;
    const char* shown;
  };
  for (const Row& r :
       {Row{"0", 0, "0"}, Row{"2.5", 2'500'000, "2.5"}, Row{"0.000001", 1, "0.000001"},
        Row{"15.000", 15'000'000, "15"}, Row{"1000000", 1'000'000'000'000, "1000000"}}) {
    CAPTURE(r.text);
    Price p = Price::parse_per_million(r.text, "price");
    CHECK(p.per_token() == r.per_token);
    CHECK(p.to_string() == r.shown);
  }
}

TEST_CASE("price: malformed text is refused with the option's name") {
  auto parse = [](const char* text) {
    return test::thrown_by([&] { Price::parse_per_million(text, "--max-input-price"); });
  };
  CHECK(parse("-1") == test::invalid("invalid --max-input-price '-1': must not be negative"));
  CHECK(parse("1.0000001") ==
        test::invalid("invalid --max-input-price '1.0000001': at most 6 decimal places"));
  CHECK(parse("abc") == test::invalid("invalid --max-input-price 'abc': expected a plain decimal "
                                      "number such as 10 or 0.5"));
  CHECK(parse("1e3") == test::invalid("invalid --max-input-price '1e3': expected a plain decimal "
                                      "number such as 10 or 0.5"));
  CHECK(parse("1000000.000001") ==
        test::invalid("invalid --max-input-price '1000000.000001': at most 1000000 USD per 1M "
                      "tokens"));
}

TEST_CASE("price: the cost of tokens is exact") {
  Price p = Price::parse_per_million("0.15", "price");
  CHECK(p.cost(1'000'000) == Money::parse_usd("0.15"));
  CHECK(p.cost(1) == Money::parse_usd("0.00000015"));
  CHECK(p.cost(7) + p.cost(3) == p.cost(10));
  CHECK(test::thrown_by([&] { Price::parse_per_million("1000000", "p").cost(10'000'000); }) ==
        test::invalid("amount out of range"));
}

TEST_CASE("price: JSON numbers and strings, and back to the decimal string") {
  for (const char* text : {"0", "2", "2.5", "0.15", "0.000001", "123456.654321", "1000000"}) {
    CAPTURE(text);
    Price p = Price::parse_per_million(text, "price");
    CHECK(Price::from_json(json::parse(text), "price") == p);
    CHECK(p.to_string() == text);
    CHECK(Price::from_json(json(text), "price") == p);
  }
  CHECK(Price::from_json(json::parse("1e-06"), "p") == Price::from_per_token(1));
  CHECK(test::thrown_by([] { Price::from_json(json::parse("0.1234567"), "maxInputPrice"); }) ==
        test::invalid("invalid maxInputPrice '0.1234567': expected a non-negative number with at "
                      "most 6 decimal places"));
  CHECK(test::thrown_by([] { Price::from_json(json::parse("-2"), "p"); }) ==
        test::invalid("invalid p '-2': must not be negative"));
  CHECK(test::thrown_by([] { Price::from_json(json(true), "p"); }) ==
        test::invalid("invalid p true: expected a price in USD per 1M tokens, such as \"2.5\" "
                      "or 2.5"));
}

TEST_CASE("price: comparisons and zero") {
  Price one = Price::parse_per_million("1", "p");
  Price more = Price::parse_per_million("1.000001", "p");
  CHECK(one < more);
  CHECK(one <= one);
  CHECK(more > one);
  CHECK(one != more);
  CHECK(Price().is_zero());
  CHECK_FALSE(one.is_zero());
}
