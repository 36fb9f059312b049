#include "core/catalog_json.h"

#include "core/error.h"
#include "core/json_fields.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <set>

namespace llmgw {

namespace {

void check_unique(std::set<std::string>& seen, const std::string& context, std::string_view kind,
                  const std::string& id) {
  if (!seen.insert(id).second) {
    throw_invalid(fmt::format("{}: {} '{}' appears twice", context, kind, id));
  }
}

Provider read_provider(const nlohmann::json& value, const std::string& context) {
  JsonFields fields(value, context);
  Provider p;
  p.id = fields.string("id");
  p.name = fields.string("name");
  p.base_url = fields.string("base_url");
  p.api_key_env = fields.string("api_key_env", "");
  p.enabled = fields.boolean("enabled", true);
  const std::string kind = fields.string("kind", "openai");
  p.responses = fields.boolean("responses", false);
  fields.finish();
  try {
    p.kind = parse_provider_kind(kind);
    validate_provider(p);
  } catch (const Error& e) {
    throw_invalid(fmt::format("{}: {}", context, e.what()));
  }
  return p;
}

Mapping read_mapping(const nlohmann::json& value, const std::string& context,
                     const std::string& model_id) {
  JsonFields fields(value, context);
  Mapping m;
  m.provider = fields.string("provider");
  m.upstream_model = fields.string("upstream_model", model_id);
  m.input = fields.price("input_price");
  m.output = fields.price("output_price");
  m.cached_input = fields.price("cached_input_price", m.input);
  if (fields.has("cache_write_price")) {
    m.cache_write_5m_price = fields.price("cache_write_price");
  }
  if (fields.has("cache_write_1h_price")) {
    m.cache_write_1h_price = fields.price("cache_write_1h_price");
  }
  if (fields.has("long_context")) {
    JsonFields tier(fields.object("long_context"), context + ": long_context");
    m.long_context = LongContext{tier.integer("above_tokens"), tier.price("input_price"),
                                 tier.price("output_price")};
    tier.finish();
  }
  m.context_size = fields.integer("context_size", 0);
  m.max_output_tokens = fields.integer("max_output_tokens", 0);
  m.streaming = fields.boolean("streaming", true);
  fields.finish();
  return m;
}

Model read_model(const nlohmann::json& value, std::string context) {
  JsonFields fields(value, context);
  Model model;
  model.id = fields.string("id");
  context = fmt::format("{} ({})", context, model.id);
  model.name = fields.string("name", model.id);
  const nlohmann::json& mappings = fields.array("mappings");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < mappings.size(); ++i) {
    std::string where = fmt::format("{}: mappings[{}]", context, i);
    model.mappings.push_back(read_mapping(mappings[i], where, model.id));
    check_unique(seen, where, "provider", model.mappings.back().provider);
  }
  fields.finish();
  try {
    validate_model_fields(model);
  } catch (const Error& e) {
    throw_invalid(fmt::format("{}: {}", context, e.what()));
  }
  return model;
}

}  // namespace

CatalogFile parse_catalog_file(const nlohmann::json& document, const std::string& source) {
  JsonFields fields(document, source);
  CatalogFile file;
  file.source = source;
  const nlohmann::json& providers = fields.array("providers");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < providers.size(); ++i) {
    std::string context = fmt::format("{}: providers[{}]", source, i);
    file.providers.push_back(read_provider(providers[i], context));
    check_unique(seen, context, "provider", file.providers.back().id);
  }
  const nlohmann::json& models = fields.array("models");
  seen.clear();
  for (std::size_t i = 0; i < models.size(); ++i) {
    std::string context = fmt::format("{}: models[{}]", source, i);
    file.models.push_back(read_model(models[i], context));
    check_unique(seen, context, "model", file.models.back().id);
  }
  fields.finish();
  return file;
}

Catalog catalog_from_json(const nlohmann::json& document, const std::string& source) {
  CatalogFile file = parse_catalog_file(document, source);
  try {
    return Catalog(std::move(file.providers), std::move(file.models));
  } catch (const Error& e) {
    throw_invalid(fmt::format("{}: {}", source, e.what()));
  }
}

nlohmann::json to_json(const Provider& p) {
  return {{"id", p.id},
          {"name", p.name},
          {"base_url", p.base_url},
          {"api_key_env", p.api_key_env},
          {"enabled", p.enabled},
          {"kind", to_string(p.kind)},
          {"responses", p.responses}};
}

nlohmann::json to_json(const Mapping& m) {
  nlohmann::json out = {{"provider", m.provider},
                        {"upstream_model", m.upstream_model},
                        {"input_price", m.input.to_string()},
                        {"output_price", m.output.to_string()},
                        {"cached_input_price", m.cached_input.to_string()},
                        {"context_size", m.context_size},
                        {"max_output_tokens", m.max_output_tokens},
                        {"streaming", m.streaming}};
  // Only where the catalog gives them: the defaults follow the input price.
  if (m.cache_write_5m_price) {
    out["cache_write_price"] = m.cache_write_5m_price->to_string();
  }
  if (m.cache_write_1h_price) {
    out["cache_write_1h_price"] = m.cache_write_1h_price->to_string();
  }
  if (m.long_context) {
    out["long_context"] = {{"above_tokens", m.long_context->above_tokens},
                           {"input_price", m.long_context->input.to_string()},
                           {"output_price", m.long_context->output.to_string()}};
  }
  return out;
}

nlohmann::json to_json(const Model& model) {
  nlohmann::json mappings = nlohmann::json::array();
  for (const Mapping& m : model.mappings) {
    mappings.push_back(to_json(m));
  }
  return {{"id", model.id}, {"name", model.name}, {"mappings", std::move(mappings)}};
}

nlohmann::json to_json(const Catalog& catalog) {
  nlohmann::json providers = nlohmann::json::array();
  for (const Provider& p : catalog.providers()) {
    providers.push_back(to_json(p));
  }
  nlohmann::json models = nlohmann::json::array();
  for (const Model& m : catalog.models()) {
    models.push_back(to_json(m));
  }
  return {{"providers", std::move(providers)}, {"models", std::move(models)}};
}

}  // namespace llmgw
