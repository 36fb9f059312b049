// The most a request can cost on a mapping (core/wire/cost_bound.h).
#include "core/wire/cost_bound.h"

#include "core/error.h"
#include "core/price.h"

#include <doctest/doctest.h>

#include <string>

using llmgw::ClientRequest;
using llmgw::cost_bound;
using llmgw::estimated_output;
using llmgw::output_tokens_bound;
using llmgw::Endpoint;
using llmgw::Mapping;
using llmgw::Money;
using llmgw::parse_client_request;
using llmgw::Price;

namespace {

Mapping priced(std::int64_t input, std::int64_t output, std::int64_t max_output_tokens) {
  Mapping m;
  m.provider = "alpha";
  m.input = Price::from_per_token(input);
  m.output = Price::from_per_token(output);
  m.max_output_tokens = max_output_tokens;
  return m;
}

std::string error_of(const ClientRequest& request, const Mapping& mapping) {
  try {
    cost_bound(request, mapping);
  } catch (const llmgw::Error& error) {
    CHECK(error.kind() == llmgw::ErrorKind::invalid);
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("cost bound: the prompt bound plus max tokens times the choices") {
  const Mapping mapping = priced(3, 7, 1000);
  const ClientRequest plain =
      parse_client_request(R"({"model":"m","messages":[{}],"max_tokens":20})", Endpoint::chat);
  CHECK(cost_bound(plain, mapping) ==
        Money::from_units(plain.prompt_tokens_estimate * 3 + 20 * 7));
  const ClientRequest many = parse_client_request(
      R"({"model":"m","messages":[{}],"max_tokens":20,"n":50,"best_of":3})", Endpoint::chat);
  CHECK(cost_bound(many, mapping) ==
        Money::from_units(many.prompt_tokens_estimate * 3 + 50 * 20 * 7));
  // None, or 0: the mapping's max output.
  const ClientRequest zero = parse_client_request(
      R"({"model":"m","messages":[{}],"max_completion_tokens":0,"best_of":4})", Endpoint::chat);
  CHECK(cost_bound(zero, mapping) ==
        Money::from_units(zero.prompt_tokens_estimate * 3 + 4 * 1000 * 7));
  // A cached-input price above the input price bounds every prompt token.
  Mapping dear_cache = mapping;
  dear_cache.cached_input = Price::from_per_token(5);
  CHECK(cost_bound(plain, dear_cache) ==
        Money::from_units(plain.prompt_tokens_estimate * 5 + 20 * 7));
}

TEST_CASE("cost bound: the output an answer without usage is billed is its bytes, at most the "
          "output bound") {
  const Mapping mapping = priced(3, 7, 1000);
  const Mapping open_ended = priced(3, 7, 0);
  const ClientRequest plain = parse_client_request(
      R"({"model":"m","messages":[{}],"max_tokens":20,"n":3})", Endpoint::chat);
  const ClientRequest bare =
      parse_client_request(R"({"model":"m","messages":[{}]})", Endpoint::chat);
  CHECK(output_tokens_bound(plain, mapping) == 60);
  CHECK(output_tokens_bound(bare, mapping) == 1000);
  CHECK(output_tokens_bound(bare, open_ended) == std::nullopt);
  const ClientRequest huge = parse_client_request(
      R"({"model":"m","messages":[{}],"max_tokens":4611686018427387904,"n":4})", Endpoint::chat);
  CHECK(output_tokens_bound(huge, mapping) == INT64_MAX);

  CHECK(estimated_output(59, output_tokens_bound(plain, mapping)) == 59);
  CHECK(estimated_output(61, output_tokens_bound(plain, mapping)) == 60);
  CHECK(estimated_output(5000, std::nullopt) == 5000);
  CHECK(estimated_output(0, 10) == 0);
}

TEST_CASE("cost bound: more than Money holds is an error fit for a 400") {
  const Mapping costly = priced(Price::k_max_per_token, Price::k_max_per_token, 1000);
  CHECK(error_of(parse_client_request(
                     R"({"model":"m","messages":[{}],"max_tokens":9223372036854775807})",
                     Endpoint::chat),
                 costly) ==
        "'max_tokens' is too large: the request could cost more than llmgw can count");
  // Each part fits, the sum does not.
  CHECK(error_of(parse_client_request(R"({"model":"m","messages":[{}],"max_tokens":9223372})",
                                      Endpoint::chat),
                 costly) ==
        "'max_tokens' is too large: the request could cost more than llmgw can count");
  CHECK(error_of(parse_client_request(R"({"model":"m","messages":[{}],"max_tokens":9000000})",
                                      Endpoint::chat),
                 costly) == "no error");
  CHECK(error_of(parse_client_request(
                     R"({"model":"m","messages":[{}],"max_tokens":4611686018427387904,"n":2})",
                     Endpoint::chat),
                 priced(0, 1, 0)) ==
        "'max_tokens' times 'n' is too large: the request could cost more than llmgw can count");
  ClientRequest huge_prompt =
      parse_client_request(R"({"model":"m","messages":[{}]})", Endpoint::chat);
  huge_prompt.prompt_tokens_estimate = 10'000'000;
  CHECK(error_of(huge_prompt, costly) ==
        "request body is too large: the request could cost more than llmgw can count");
}

TEST_CASE("cost bound: an output with no bound is named, unless it is free or limited") {
  const ClientRequest none =
      parse_client_request(R"({"model":"m","messages":[{}],"max_tokens":0})", Endpoint::chat);
  CHECK(llmgw::unbounded_output(none, priced(1, 1, 0), "m").value_or("bounded") ==
        "'max_tokens' is required: model m on provider alpha has no max output tokens in the "
        "catalog, so llmgw cannot bound the cost for a key with a spending limit");
  CHECK_FALSE(llmgw::unbounded_output(none, priced(1, 0, 0), "m"));
  CHECK_FALSE(llmgw::unbounded_output(none, priced(1, 1, 10), "m"));
  const ClientRequest limited =
      parse_client_request(R"({"model":"m","messages":[{}],"max_tokens":5})", Endpoint::chat);
  CHECK_FALSE(llmgw::unbounded_output(limited, priced(1, 1, 0), "m"));
  CHECK_FALSE(llmgw::unbounded_output(
      parse_client_request(R"({"model":"m","input":"x"})", Endpoint::embeddings),
      priced(1, 1, 0), "m"));
}

TEST_CASE("cost bound: on a provider that writes its cache, a prompt token may cost the "
          "hour's cache-write price") {
  Mapping mapping = priced(4, 7, 1000);
  const ClientRequest request = parse_client_request(
      R"({"model":"m","max_tokens":20,"messages":[{"role":"user","content":"hi"}]})",
      Endpoint::messages);
  CHECK(cost_bound(request, mapping) ==
        Money::from_units(request.prompt_tokens_estimate * 4 + 20 * 7));
  mapping.writes_cache = true;  // what Catalog sets for an Anthropic-kind provider
  CHECK(cost_bound(request, mapping) ==
        Money::from_units(request.prompt_tokens_estimate * 8 + 20 * 7));
}

TEST_CASE("cost bound: a prompt bound past the long-context tier is bounded at the higher of "
          "both prices") {
  Mapping mapping = priced(4, 7, 1000);
  const ClientRequest request = parse_client_request(
      R"({"model":"m","max_tokens":20,"messages":[{"role":"user","content":"hi"}]})",
      Endpoint::messages);
  const std::int64_t prompt = request.prompt_tokens_estimate;
  mapping.long_context = llmgw::LongContext{prompt, Price::from_per_token(9),
                                            Price::from_per_token(11)};
  CHECK(cost_bound(request, mapping) == Money::from_units(prompt * 4 + 20 * 7));  // not past
  mapping.long_context->above_tokens = prompt - 1;
  CHECK(cost_bound(request, mapping) == Money::from_units(prompt * 9 + 20 * 11));
  // A cheaper tier cannot lower the bound: the prompt may stay below it.
  mapping.long_context->input = Price::from_per_token(1);
  mapping.long_context->output = Price::from_per_token(1);
  CHECK(cost_bound(request, mapping) == Money::from_units(prompt * 4 + 20 * 7));
}
