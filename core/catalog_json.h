#pragma once
// The catalog as JSON, in the shape of core/catalog/default_catalog.json:
//   {"providers": [{"id", "name", "base_url", "api_key_env", "enabled"}],
//    "models": [{"id", "name", "mappings": [{"provider", "upstream_model", "input_price",
//      "output_price", "cached_input_price", "context_size", "max_output_tokens",
//      "streaming"}]}]}
// Prices are strings of USD per 1M tokens ("0.15"); numbers are accepted on input.
#include "core/catalog.h"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace llmgw {

// Providers and models read from a file, each valid on its own; whether their provider
// references resolve is for Catalog to decide, once merged with what is already there.
struct CatalogFile {
  std::string source;  // for messages: "catalog file 'x.json'"
  std::vector<Provider> providers;
  std::vector<Model> models;
};

// Throws Error(invalid) naming `source` and the first bad entry: "catalog file 'x.json':
// models[3] (gpt-x): mappings[0]: invalid input_price '-1': must not be negative". Optional fields:
// a provider's api_key_env ("") and enabled (true); a model's name (its id); a mapping's
// upstream_model (the model id), cached_input_price (the input price), context_size and
// max_output_tokens (0), streaming (true). Unknown fields are errors.
CatalogFile parse_catalog_file(const nlohmann::json& document, const std::string& source);
// The same file as a Catalog of its own: every reference must resolve inside it.
Catalog catalog_from_json(const nlohmann::json& document, const std::string& source);

nlohmann::json to_json(const Provider& provider);
nlohmann::json to_json(const Mapping& mapping);
nlohmann::json to_json(const Model& model);
nlohmann::json to_json(const Catalog& catalog);

}  // namespace llmgw
