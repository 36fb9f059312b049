#include "core/catalog_store.h"

#include "core/error.h"

#include <fmt/format.h>

#include <algorithm>

namespace llmgw {

namespace {

template <class T>
typename std::vector<T>::iterator find_id(std::vector<T>& items, std::string_view id) {
  return std::find_if(items.begin(), items.end(), [id](const T& item) { return item.id == id; });
}

std::vector<Mapping>::iterator find_mapping(Model& model, std::string_view provider) {
  return std::find_if(model.mappings.begin(), model.mappings.end(),
                      [provider](const Mapping& m) { return m.provider == provider; });
}

template <class T>
void put(std::vector<T>& items, T item) {
  auto it = find_id(items, item.id);
  if (it == items.end()) {
    items.push_back(std::move(item));
  } else {
    *it = std::move(item);
  }
}

void put_mapping(Model& model, Mapping mapping) {
  auto it = find_mapping(model, mapping.provider);
  if (it == model.mappings.end()) {
    model.mappings.push_back(std::move(mapping));
  } else {
    *it = std::move(mapping);
  }
}

Mapping read_mapping(SQLite::Statement& row) {
  Mapping m;
  m.provider = row.getColumn(1).getString();
  m.upstream_model = row.getColumn(3).getString();
  m.input = Price::from_per_token(row.getColumn(4).getInt64());
  m.output = Price::from_per_token(row.getColumn(5).getInt64());
  m.cached_input = Price::from_per_token(row.getColumn(6).getInt64());
  m.context_size = row.getColumn(7).getInt64();
  m.max_output_tokens = row.getColumn(8).getInt64();
  m.streaming = row.getColumn(9).getInt() != 0;
  if (!row.getColumn(10).isNull()) {
    m.cache_write_5m_price = Price::from_per_token(row.getColumn(10).getInt64());
  }
  if (!row.getColumn(11).isNull()) {
    m.cache_write_1h_price = Price::from_per_token(row.getColumn(11).getInt64());
  }
  if (!row.getColumn(12).isNull()) {
    m.long_context = LongContext{row.getColumn(12).getInt64(),
                                 Price::from_per_token(row.getColumn(13).getInt64()),
                                 Price::from_per_token(row.getColumn(14).getInt64())};
  }
  return m;
}

}  // namespace

bool MappingChanges::empty() const {
  return !upstream_model && !input && !output && !cached_input && !cache_write_5m &&
         !cache_write_1h && !long_context && !context_size && !max_output_tokens && !streaming;
}

Catalog load_catalog(Store& store) {
  return CatalogStore(store).load();
}

Catalog CatalogStore::load() {
  std::vector<Provider> providers = m_builtin.providers();
  auto& provider_rows =
      m_store.statement("SELECT id, name, base_url, api_key_env, enabled, kind, responses FROM "
                          "catalog_providers");
  while (provider_rows.executeStep()) {
    put(providers,
        Provider{provider_rows.getColumn(0).getString(), provider_rows.getColumn(1).getString(),
                 provider_rows.getColumn(2).getString(), provider_rows.getColumn(3).getString(),
                 provider_rows.getColumn(4).getInt() != 0,
                 parse_provider_kind(provider_rows.getColumn(5).getString()),
                 provider_rows.getColumn(6).getInt() != 0});
  }
  std::vector<Model> models = m_builtin.models();
  auto& model_rows = m_store.statement("SELECT id, name, removed FROM catalog_models");
  while (model_rows.executeStep()) {
    std::string id = model_rows.getColumn(0).getString();
    auto it = find_id(models, id);
    if (model_rows.getColumn(2).getInt() != 0) {
      if (it != models.end()) {
        models.erase(it);
      }
    } else if (it != models.end()) {
      it->name = model_rows.getColumn(1).getString();
    } else {
      models.push_back(Model{id, model_rows.getColumn(1).getString(), {}});
    }
  }
  auto& mapping_rows = m_store.statement(
      "SELECT model_id, provider, removed, upstream_model, input_price, output_price, "
      "cached_input_price, context_size, max_output_tokens, streaming, cache_write_price, "
      "cache_write_1h_price, long_context_above, long_context_input_price, "
      "long_context_output_price FROM catalog_mappings");
  while (mapping_rows.executeStep()) {
    auto model = find_id(models, mapping_rows.getColumn(0).getString());
    if (model == models.end()) {
      continue;
    }
    if (mapping_rows.getColumn(2).getInt() != 0) {
      auto it = find_mapping(*model, mapping_rows.getColumn(1).getString());
      if (it != model->mappings.end()) {
        model->mappings.erase(it);
      }
    } else {
      put_mapping(*model, read_mapping(mapping_rows));
    }
  }
  // A newer built-in catalog may have dropped what an operator's rows still point at.
  for (Model& model : models) {
    auto gone = std::remove_if(model.mappings.begin(), model.mappings.end(), [&](const Mapping& m) {
      return find_id(providers, m.provider) == providers.end();
    });
    model.mappings.erase(gone, model.mappings.end());
  }
  models.erase(std::remove_if(models.begin(), models.end(),
                              [](const Model& m) { return m.mappings.empty(); }),
               models.end());
  try {
    return Catalog(std::move(providers), std::move(models));
  } catch (const Error& e) {
    throw_io(
        fmt::format("the catalog in database '{}' is not valid: {}", m_store.path(), e.what()));
  }
}

Provider CatalogStore::set_provider(const std::string& id, const ProviderChanges& changes) {
  auto tx = m_store.write_transaction();
  Catalog current = load();
  std::vector<Provider> providers = current.providers();
  auto it = find_id(providers, id);
  if (it == providers.end()) {
    if (!changes.base_url) {
      throw_not_found(fmt::format("provider '{}' not found; give it a base URL to add it", id));
    }
    providers.push_back(Provider{id, id, "", "", true, ProviderKind::openai, false});
    it = providers.end() - 1;
  }
  it->name = changes.name.value_or(it->name);
  it->base_url = changes.base_url.value_or(it->base_url);
  it->api_key_env = changes.api_key_env.value_or(it->api_key_env);
  it->enabled = changes.enabled.value_or(it->enabled);
  it->kind = changes.kind.value_or(it->kind);
  it->responses = changes.responses.value_or(it->responses);
  Catalog next = save(current, std::move(providers), current.models());
  tx.commit();
  return *next.find_provider(id);
}

Model CatalogStore::add_mapping(const std::string& model_id, const std::optional<std::string>& name,
                                const Mapping& mapping) {
  auto tx = m_store.write_transaction();
  Catalog current = load();
  current.provider(mapping.provider);  // a clear error for an unknown one
  std::vector<Model> models = current.models();
  auto it = find_id(models, model_id);
  if (it == models.end()) {
    models.push_back(Model{model_id, name.value_or(model_id), {}});
    it = models.end() - 1;
  } else if (it->find_mapping(mapping.provider)) {
    throw_conflict(fmt::format("model '{}' already has a mapping for provider '{}'", model_id,
                               mapping.provider));
  } else if (name) {
    it->name = *name;
  }
  it->mappings.push_back(mapping);
  Catalog next = save(current, current.providers(), std::move(models));
  tx.commit();
  return *next.find_model(model_id);
}

Model CatalogStore::update_model(const std::string& model_id,
                                 const std::optional<std::string>& name,
                                 const std::optional<std::string>& provider,
                                 const MappingChanges& changes) {
  if (!changes.empty() && !provider) {
    throw_invalid("changing a mapping needs the provider whose mapping it is");
  }
  auto tx = m_store.write_transaction();
  Catalog current = load();
  std::vector<Model> models = current.models();
  current.model(model_id);
  Model& model = *find_id(models, model_id);
  model.name = name.value_or(model.name);
  if (provider) {
    auto m = find_mapping(model, *provider);
    if (m == model.mappings.end()) {
      throw_not_found(
          fmt::format("model '{}' has no mapping for provider '{}'", model_id, *provider));
    }
    m->upstream_model = changes.upstream_model.value_or(m->upstream_model);
    m->input = changes.input.value_or(m->input);
    m->output = changes.output.value_or(m->output);
    m->cached_input = changes.cached_input.value_or(m->cached_input);
    if (changes.cache_write_5m) {
      m->cache_write_5m_price = changes.cache_write_5m;
    }
    if (changes.cache_write_1h) {
      m->cache_write_1h_price = changes.cache_write_1h;
    }
    if (changes.long_context) {
      m->long_context = *changes.long_context;
    }
    m->context_size = changes.context_size.value_or(m->context_size);
    m->max_output_tokens = changes.max_output_tokens.value_or(m->max_output_tokens);
    m->streaming = changes.streaming.value_or(m->streaming);
  }
  Catalog next = save(current, current.providers(), std::move(models));
  tx.commit();
  return *next.find_model(model_id);
}

Model CatalogStore::remove_model(const std::string& model_id,
                                 const std::optional<std::string>& provider) {
  auto tx = m_store.write_transaction();
  Catalog current = load();
  Model removed = current.model(model_id);
  std::vector<Model> models = current.models();
  auto it = find_id(models, model_id);
  if (provider) {
    auto m = find_mapping(*it, *provider);
    if (m == it->mappings.end()) {
      throw_not_found(
          fmt::format("model '{}' has no mapping for provider '{}'", model_id, *provider));
    }
    it->mappings.erase(m);
  }
  if (!provider || it->mappings.empty()) {
    models.erase(it);
  }
  save(current, current.providers(), std::move(models));
  tx.commit();
  return removed;
}

ImportSummary CatalogStore::import(const CatalogFile& file, ImportMode mode) {
  auto tx = m_store.write_transaction();
  Catalog current = load();
  std::vector<Provider> providers = current.providers();
  if (mode == ImportMode::replace) {
    for (Provider& p : providers) {
      p.enabled = false;
    }
  }
  for (const Provider& p : file.providers) {
    put(providers, p);
  }
  std::vector<Model> models;
  if (mode == ImportMode::merge) {
    models = current.models();
  }
  for (std::size_t i = 0; i < file.models.size(); ++i) {
    const Model& m = file.models[i];
    for (std::size_t j = 0; j < m.mappings.size(); ++j) {
      if (find_id(providers, m.mappings[j].provider) == providers.end()) {
        throw_invalid(fmt::format("{}: models[{}] ({}): mappings[{}]: unknown provider '{}'",
                                  file.source, i, m.id, j, m.mappings[j].provider));
      }
    }
    put(models, m);
  }
  try {
    save(current, std::move(providers), std::move(models));
  } catch (const Error& e) {
    throw_invalid(fmt::format("{}: {}", file.source, e.what()));
  }
  tx.commit();
  return {file.providers.size(), file.models.size()};
}

std::size_t CatalogStore::reset() {
  auto tx = m_store.write_transaction();
  std::size_t count = 0;
  for (const char* sql : {"DELETE FROM catalog_mappings", "DELETE FROM catalog_models",
                          "DELETE FROM catalog_providers"}) {
    count += static_cast<std::size_t>(m_store.statement(sql).exec());
  }
  tx.commit();
  return count;
}

Catalog CatalogStore::save(const Catalog& current, std::vector<Provider> providers,
                           std::vector<Model> models) {
  Catalog next(std::move(providers), std::move(models));
  for (const Provider& p : next.providers()) {
    write_provider(p);
  }
  for (const Model& m : next.models()) {
    write_model(m);
  }
  for (const Model& m : current.models()) {
    if (!next.find_model(m.id)) {
      erase_model(m.id);
    }
  }
  return next;
}

void CatalogStore::write_provider(const Provider& p) {
  const Provider* builtin = m_builtin.find_provider(p.id);
  if (builtin && *builtin == p) {
    auto& remove = m_store.statement("DELETE FROM catalog_providers WHERE id = ?");
    remove.bind(1, p.id);
    remove.exec();
    return;
  }
  auto& upsert = m_store.statement(
      "INSERT OR REPLACE INTO catalog_providers (id, name, base_url, api_key_env, enabled, kind, "
      "responses) VALUES (?, ?, ?, ?, ?, ?, ?)");
  upsert.bind(1, p.id);
  upsert.bind(2, p.name);
  upsert.bind(3, p.base_url);
  upsert.bind(4, p.api_key_env);
  upsert.bind(5, p.enabled ? 1 : 0);
  upsert.bind(6, std::string(to_string(p.kind)));
  upsert.bind(7, p.responses ? 1 : 0);
  upsert.exec();
}

void CatalogStore::write_model(const Model& model) {
  const Model* builtin = m_builtin.find_model(model.id);
  if (builtin && builtin->name == model.name) {
    auto& remove = m_store.statement("DELETE FROM catalog_models WHERE id = ?");
    remove.bind(1, model.id);
    remove.exec();
  } else {
    auto& upsert = m_store.statement(
        "INSERT OR REPLACE INTO catalog_models (id, name, removed) VALUES (?, ?, 0)");
    upsert.bind(1, model.id);
    upsert.bind(2, model.name);
    upsert.exec();
  }
  auto& clear = m_store.statement("DELETE FROM catalog_mappings WHERE model_id = ?");
  clear.bind(1, model.id);
  clear.exec();
  auto& insert = m_store.statement(
      "INSERT INTO catalog_mappings (model_id, provider, removed, upstream_model, input_price, "
      "output_price, cached_input_price, context_size, max_output_tokens, streaming, "
      "cache_write_price, cache_write_1h_price, long_context_above, long_context_input_price, "
      "long_context_output_price) VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const Mapping& m : model.mappings) {
    const Mapping* same = builtin ? builtin->find_mapping(m.provider) : nullptr;
    if (same && *same == m) {
      continue;
    }
    insert.reset();
    insert.bind(1, model.id);
    insert.bind(2, m.provider);
    insert.bind(3, m.upstream_model);
    insert.bind(4, static_cast<std::int64_t>(m.input.per_token()));
    insert.bind(5, static_cast<std::int64_t>(m.output.per_token()));
    insert.bind(6, static_cast<std::int64_t>(m.cached_input.per_token()));
    insert.bind(7, static_cast<std::int64_t>(m.context_size));
    insert.bind(8, static_cast<std::int64_t>(m.max_output_tokens));
    insert.bind(9, m.streaming ? 1 : 0);
    for (const auto& [index, price] :
         {std::pair{10, m.cache_write_5m_price}, std::pair{11, m.cache_write_1h_price}}) {
      if (price) {
        insert.bind(index, static_cast<std::int64_t>(price->per_token()));
      } else {
        insert.bind(index);
      }
    }
    if (m.long_context) {
      insert.bind(12, static_cast<std::int64_t>(m.long_context->above_tokens));
      insert.bind(13, static_cast<std::int64_t>(m.long_context->input.per_token()));
      insert.bind(14, static_cast<std::int64_t>(m.long_context->output.per_token()));
    } else {
      insert.bind(12);
      insert.bind(13);
      insert.bind(14);
    }
    insert.exec();
  }
  if (!builtin) {
    return;
  }
  auto& hide = m_store.statement(
      "INSERT INTO catalog_mappings (model_id, provider, removed) VALUES (?, ?, 1)");
  for (const Mapping& b : builtin->mappings) {
    if (!model.find_mapping(b.provider)) {
      hide.reset();
      hide.bind(1, model.id);
      hide.bind(2, b.provider);
      hide.exec();
    }
  }
}

void CatalogStore::erase_model(const std::string& id) {
  auto& clear = m_store.statement("DELETE FROM catalog_mappings WHERE model_id = ?");
  clear.bind(1, id);
  clear.exec();
  if (m_builtin.find_model(id)) {
    auto& hide = m_store.statement(
        "INSERT OR REPLACE INTO catalog_models (id, name, removed) VALUES (?, NULL, 1)");
    hide.bind(1, id);
    hide.exec();
  } else {
    auto& remove = m_store.statement("DELETE FROM catalog_models WHERE id = ?");
    remove.bind(1, id);
    remove.exec();
  }
}

}  // namespace llmgw
