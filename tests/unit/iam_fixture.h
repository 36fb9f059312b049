#pragma once
// A small catalog and rule builders for the IAM tests. The catalog is built here, not
// taken from the built-in data, whose prices change.
#include "core/catalog.h"
#include "core/catalog_json.h"
#include "core/rule.h"

#include <nlohmann/json.hpp>

#include <string>

namespace test {

// Providers alpha, beta, gamma (enabled) and off (disabled). Prices are USD per 1M tokens.
//   solo   alpha 1/2
//   multi  alpha 3/6, beta 1/2, gamma free
//   cheap  beta 0.5/1
//   dark   off 1/1
//   mixed  alpha 2/4, off 1/1
//   twin   alpha 1/1, beta 1/1 (the same estimate)
//   half   alpha free, beta 0/0/0.1 (a cached-input price alone makes it paid)
inline const char* const k_iam_catalog = R"({
  "providers": [
    {"id": "alpha", "name": "Alpha", "base_url": "https://alpha.test/v1"},
    {"id": "beta", "name": "Beta", "base_url": "https://beta.test/v1"},
    {"id": "gamma", "name": "Gamma", "base_url": "http://127.0.0.1:9/v1"},
    {"id": "off", "name": "Off", "base_url": "https://off.test/v1", "enabled": false}
  ],
  "models": [
    {"id": "solo", "mappings": [
      {"provider": "alpha", "input_price": "1", "output_price": "2"}]},
    {"id": "multi", "mappings": [
      {"provider": "alpha", "input_price": "3", "output_price": "6"},
      {"provider": "beta", "input_price": "1", "output_price": "2"},
      {"provider": "gamma", "input_price": "0", "output_price": "0"}]},
    {"id": "cheap", "mappings": [
      {"provider": "beta", "input_price": "0.5", "output_price": "1"}]},
    {"id": "dark", "mappings": [
      {"provider": "off", "input_price": "1", "output_price": "1"}]},
    {"id": "mixed", "mappings": [
      {"provider": "alpha", "input_price": "2", "output_price": "4"},
      {"provider": "off", "input_price": "1", "output_price": "1"}]},
    {"id": "twin", "mappings": [
      {"provider": "beta", "input_price": "1", "output_price": "1"},
      {"provider": "alpha", "input_price": "1", "output_price": "1"}]},
    {"id": "half", "mappings": [
      {"provider": "alpha", "input_price": "0", "output_price": "0"},
      {"provider": "beta", "input_price": "0", "output_price": "0", "cached_input_price": "0.1"}]}
  ]
})";

inline const llmgw::Catalog& iam_catalog() {
  static const llmgw::Catalog catalog =
      llmgw::catalog_from_json(nlohmann::json::parse(k_iam_catalog), "test catalog");
  return catalog;
}

// A rule with id `id` of `type` whose value is the JSON text `value`.
inline llmgw::Rule rule(const char* id, llmgw::RuleType type, const char* value,
                        bool active = true) {
  llmgw::Rule r = llmgw::make_rule(type, nlohmann::json::parse(value));
  r.id = id;
  r.key_id = "key_test";
  r.active = active;
  return r;
}

}  // namespace test
