#pragma once
// The catalog: providers (upstream APIs) and the models they serve, with prices. A Catalog is an immutable, validated value; find_* are binary searches over
// id-sorted vectors, so lookups allocate nothing. Pointers it returns stay valid for the
// life of that Catalog object.
#include "core/price.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw {

class Store;

// The API a provider speaks. `openai`: OpenAI-compatible chat completions and embeddings
// under the base URL ({base}/chat/completions), the credential as a Bearer token.
// `anthropic`: Anthropic's Messages API ({base}/v1/messages), the credential in x-api-key.
enum class ProviderKind { openai, anthropic };

// "openai", "anthropic".
std::string_view to_string(ProviderKind kind);
// Throws Error(invalid) "invalid provider kind 'x': must be openai or anthropic".
ProviderKind parse_provider_kind(std::string_view text);

struct Provider {
  std::string id;           // [a-z0-9][a-z0-9._-]*, at most 64 characters; never has '/'
  std::string name;         // for people
  std::string base_url;     // of its API (see ProviderKind); "" for the built-in echo
  std::string api_key_env;  // environment variable holding the credential; "" for none
  bool enabled = true;
  ProviderKind kind = ProviderKind::openai;
  // It also serves OpenAI's Responses API ({base}/responses), which /v1/responses reaches
  // as it is (an openai-kind provider only).
  bool responses = false;

  bool operator==(const Provider& o) const;
};

// A price tier for long prompts: a request whose prompt has more than `above_tokens`
// tokens is priced whole at these input and output prices (its cache reads at the
// cached-input price as usual; cache writes, where the catalog gives no price for them, at
// their multiples of this input price).
struct LongContext {
  std::int64_t above_tokens = 0;  // at least 1
  Price input;
  Price output;

  bool operator==(const LongContext& o) const {
    return above_tokens == o.above_tokens && input == o.input && output == o.output;
  }
};

// One provider serving one model.
struct Mapping {
  std::string provider;
  std::string upstream_model;  // the model name the provider expects
  Price input;
  Price output;
  Price cached_input;
  // Prompt tokens written to the provider's cache, kept 5 minutes or an hour, where the
  // catalog gives their prices; cache_write_5m() and cache_write_1h() default them.
  std::optional<Price> cache_write_5m_price;
  std::optional<Price> cache_write_1h_price;
  std::optional<LongContext> long_context;
  std::int64_t context_size = 0;       // tokens; 0 when unknown
  std::int64_t max_output_tokens = 0;  // tokens; 0 when unknown or not a chat model
  bool streaming = true;
  // Set by Catalog, not compared: the provider bills prompt tokens written to its cache
  // (kind anthropic), so a prompt token may cost a cache-write price.
  bool writes_cache = false;

  // A prompt token written to the provider's cache, kept 5 minutes or an hour: the price the
  // catalog gives, else 1.25 and 2 times the input price (Anthropic's published
  // multipliers), rounded up to a picodollar.
  Price cache_write_5m() const;
  Price cache_write_1h() const;
  // The prices of a request whose prompt has `prompt_tokens` tokens: this mapping's, or
  // its long-context tier's (input, output and the cache-write defaults).
  Mapping priced_for(std::int64_t prompt_tokens) const;

  // Free when every price is zero; pricing rules look at each mapping on its own.
  bool is_free() const {
    return input.is_zero() && output.is_zero() && cached_input.is_zero() &&
           cache_write_5m().is_zero() && cache_write_1h().is_zero();
  }
  // Compares the cache-write prices as they apply: a price given equals its default.
  bool operator==(const Mapping& o) const;
};

struct Model {
  std::string id;    // canonical id, what clients send
  std::string name;  // for people
  std::vector<Mapping> mappings;

  const Mapping* find_mapping(std::string_view provider) const;
  bool operator==(const Model& o) const;
};

class Catalog {
public:
  static constexpr std::size_t k_max_mappings = 64;  // per model; the evaluator uses bitmasks

  Catalog() = default;
  // Sorts providers and models by id and each model's mappings by provider. Throws
  // Error(invalid) naming the first bad entry ("model 'x': mapping for provider 'y': ..."):
  // a bad or duplicate id, a mapping to an unknown provider or twice to one provider, a
  // model without mappings, a model id whose part before '/' is a provider id.
  Catalog(std::vector<Provider> providers, std::vector<Model> models);

  // Nothing when absent.
  const Provider* find_provider(std::string_view id) const;
  const Model* find_model(std::string_view id) const;
  // Throw Error(not_found) "provider 'x' not found (did you mean y?)" when absent.
  const Provider& provider(std::string_view id) const;
  const Model& model(std::string_view id) const;
  std::vector<std::string_view> provider_ids() const;
  std::vector<std::string_view> model_ids() const;

  const std::vector<Provider>& providers() const { return m_providers; }  // by id
  const std::vector<Model>& models() const { return m_models; }           // by id

private:
  std::vector<Provider> m_providers;
  std::vector<Model> m_models;
};

// Each throws Error(invalid) "<what>: <why>" for a value a catalog cannot hold.
void validate_provider(const Provider& provider);
void validate_model_fields(const Model& model);  // everything but the provider references

// The built-in catalog (core/catalog/default_catalog.json, embedded at build time).
const Catalog& builtin_catalog();

// The effective catalog: the built-in one with the operator's changes from the database
// applied (core/catalog_store.h). Entries the built-in data no longer supports (a mapping
// to a provider that is gone) are dropped, not fatal.
Catalog load_catalog(Store& store);

}  // namespace llmgw
