#include "cli/catalog_view.h"

#include "cli/output.h"

#include <fmt/format.h>

namespace llmgw::cli {

namespace {

std::string price_text(Price price) {
  return "$" + price.to_string();
}

std::string tokens_text(std::int64_t tokens) {
  return tokens == 0 ? "-" : std::to_string(tokens);
}

std::string or_dash(const std::string& text) {
  return text.empty() ? "-" : text;
}

}  // namespace

Table provider_table(const Catalog& catalog) {
  Table table({"ID", "NAME", "KIND", "ENABLED", "MODELS", "BASE URL", "API KEY ENV"});
  for (const Provider& p : catalog.providers()) {
    std::size_t models = 0;
    for (const Model& m : catalog.models()) {
      models += m.find_mapping(p.id) ? 1 : 0;
    }
    table.add({p.id, p.name, std::string(to_string(p.kind)), p.enabled ? "yes" : "no",
               std::to_string(models), or_dash(p.base_url),
               or_dash(p.api_key_env)});
  }
  return table;
}

std::string render_provider_fields(const Provider& p) {
  return render_fields({{"id", p.id},
                        {"name", p.name},
                        {"kind", std::string(to_string(p.kind))},
                        {"responses", p.responses ? "yes" : "no"},
                        {"enabled", p.enabled ? "yes" : "no"},
                        {"base url", or_dash(p.base_url)},
                        {"api key env", or_dash(p.api_key_env)}});
}

Table model_table(const std::vector<Model>& models, const Catalog& catalog) {
  Table table({"MODEL", "PROVIDER", "UPSTREAM", "INPUT", "OUTPUT", "CACHED", "CONTEXT", "MAX OUT",
               "STREAM"});
  for (const Model& model : models) {
    for (const Mapping& m : model.mappings) {
      const Provider* provider = catalog.find_provider(m.provider);
      bool enabled = provider == nullptr || provider->enabled;
      table.add({model.id, enabled ? m.provider : m.provider + " (disabled)", m.upstream_model,
                 price_text(m.input), price_text(m.output), price_text(m.cached_input),
                 tokens_text(m.context_size), tokens_text(m.max_output_tokens),
                 m.streaming ? "yes" : "no"});
    }
  }
  return table;
}

}  // namespace llmgw::cli
