#pragma once
// How a person sees the catalog: providers, and models one row per provider mapping.
// Scripts use --json (the shape of core/catalog_json.h) instead.
#include "cli/output.h"
#include "core/catalog.h"

#include <string>
#include <vector>

namespace llmgw::cli {

// ID, NAME, ENABLED, MODELS (how many it serves), BASE URL, API KEY ENV.
Table provider_table(const Catalog& catalog);
std::string render_provider_fields(const Provider& provider);
// MODEL, PROVIDER, UPSTREAM, INPUT, OUTPUT, CACHED (USD per 1M tokens), CONTEXT, MAX OUT,
// STREAM; a disabled provider is marked so.
Table model_table(const std::vector<Model>& models, const Catalog& catalog);

}  // namespace llmgw::cli
