#pragma once
// The operator's catalog in the database, kept as differences from the built-in one: a
// provider or mapping row replaces (or adds) the entry of the same id, a model row renames
// or adds a model or, marked removed, hides a built-in one, and a removed mapping row
// hides a built-in mapping. An entry changed back to its built-in value leaves no row, so
// built-in prices that a newer llmgw brings apply to everything the operator left alone.
//
// Every change reads the effective catalog, changes it, validates the whole result as a
// Catalog and writes the difference, in one BEGIN IMMEDIATE transaction.
#include "core/catalog.h"
#include "core/catalog_json.h"
#include "core/store.h"

#include <cstddef>
#include <optional>
#include <string>

namespace llmgw {

struct ProviderChanges {
  std::optional<std::string> name;
  std::optional<std::string> base_url;
  std::optional<std::string> api_key_env;
  std::optional<bool> enabled;
  std::optional<ProviderKind> kind;
  std::optional<bool> responses;
};

struct MappingChanges {
  std::optional<std::string> upstream_model;
  std::optional<Price> input;
  std::optional<Price> output;
  std::optional<Price> cached_input;
  std::optional<Price> cache_write_5m;
  std::optional<Price> cache_write_1h;
  // Set to a tier, or (an empty one) remove it.
  std::optional<std::optional<LongContext>> long_context;
  std::optional<std::int64_t> context_size;
  std::optional<std::int64_t> max_output_tokens;
  std::optional<bool> streaming;

  bool empty() const;
};

// merge: what the file names replaces what is there, the rest stays. replace: the file
// is the whole catalog; models it does not name are removed and providers it does not
// name are disabled (providers are never removed).
enum class ImportMode { merge, replace };

struct ImportSummary {
  std::size_t providers = 0;
  std::size_t models = 0;
};

class CatalogStore {
public:
  explicit CatalogStore(Store& store) : CatalogStore(store, builtin_catalog()) {}
  CatalogStore(Store& store, const Catalog& builtin) : m_store(store), m_builtin(builtin) {}

  // The effective catalog. Throws Error(io) when the stored changes no longer make a valid
  // catalog.
  Catalog load();

  // Changes a provider. An unknown id adds a provider when `changes.base_url` is given
  // (its name defaults to the id); otherwise it is Error(not_found).
  Provider set_provider(const std::string& id, const ProviderChanges& changes);
  // Adds `mapping` to the model, and the model itself when it is new (named `name`, else
  // its id). Throws Error(conflict) when the model already has a mapping for that
  // provider, Error(invalid) for an unknown provider or a bad value.
  Model add_mapping(const std::string& model_id, const std::optional<std::string>& name,
                    const Mapping& mapping);
  // Renames the model and/or changes its mapping for `provider`. Throws Error(not_found)
  // for an unknown model or mapping, Error(invalid) for mapping changes without a provider.
  Model update_model(const std::string& model_id, const std::optional<std::string>& name,
                     const std::optional<std::string>& provider, const MappingChanges& changes);
  // Removes the model's mapping for `provider`, or with no provider the whole model; a
  // model whose last mapping goes is removed too. Returns the model as it was. Throws
  // Error(not_found) for an unknown model or mapping.
  Model remove_model(const std::string& model_id, const std::optional<std::string>& provider);
  // Throws Error(invalid) naming the first bad entry, and then changes nothing.
  ImportSummary import(const CatalogFile& file, ImportMode mode);
  // Drops every change made to the built-in catalog. Returns how many stored changes (a
  // provider, model or mapping row each) there were.
  std::size_t reset();

private:
  // REQUIRES: inside a write transaction, `current` loaded in it. Validates the catalog
  // of `providers` and `models` and writes its difference from the built-in one.
  Catalog save(const Catalog& current, std::vector<Provider> providers, std::vector<Model> models);
  void write_provider(const Provider& provider);
  void write_model(const Model& model);
  void erase_model(const std::string& id);

  Store& m_store;
  const Catalog& m_builtin;
};

}  // namespace llmgw
