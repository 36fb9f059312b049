#include "core/catalog.h"

#include "core/error.h"
#include "core/suggest.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace llmgw {

namespace {

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_alnum(char c) {
  return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

// 1..max bytes, none of them an ASCII control character.
void check_text(std::string_view context, std::string_view field, std::string_view text,
                std::size_t max) {
  if (text.empty() || text.size() > max) {
    throw_invalid(fmt::format("{}: {} must be 1 to {} characters", context, field, max));
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      throw_invalid(fmt::format("{}: {} must not contain control characters", context, field));
    }
  }
}

void check_provider_id(std::string_view id) {
  bool ok = !id.empty() && id.size() <= 64 && is_lower_alnum(id[0]) &&
            std::all_of(id.begin(), id.end(), [](char c) {
              return is_lower_alnum(c) || c == '.' || c == '_' || c == '-';
            });
  if (!ok) {
    throw_invalid(
        fmt::format("invalid provider id '{}': use 1 to 64 of a-z 0-9 . _ -, "
                    "starting with a letter or digit",
                    id));
  }
}

void check_model_id(std::string_view id) {
  bool ok = !id.empty() && id.size() <= 128 && is_alnum(id[0]) &&
            std::all_of(id.begin(), id.end(), [](char c) {
              return is_alnum(c) || std::string_view("._:@/+-").find(c) != std::string_view::npos;
            });
  if (!ok) {
    throw_invalid(
        fmt::format("invalid model id '{}': use 1 to 128 of A-Z a-z 0-9 . _ : @ / + -, "
                    "starting with a letter or digit",
                    id));
  }
}

template <class T>
const T* find_by_id(const std::vector<T>& items, std::string_view id) {
  auto it = std::lower_bound(items.begin(), items.end(), id,
                             [](const T& item, std::string_view key) { return item.id < key; });
  return it != items.end() && it->id == id ? &*it : nullptr;
}

template <class T>
std::vector<std::string_view> ids_of(const std::vector<T>& items) {
  std::vector<std::string_view> ids;
  ids.reserve(items.size());
  for (const T& item : items) {
    ids.emplace_back(item.id);
  }
  return ids;
}

template <class T>
void sort_unique_by_id(std::vector<T>& items, std::string_view kind) {
  std::sort(items.begin(), items.end(), [](const T& a, const T& b) { return a.id < b.id; });
  auto twin = std::adjacent_find(items.begin(), items.end(),
                                 [](const T& a, const T& b) { return a.id == b.id; });
  if (twin != items.end()) {
    throw_invalid(fmt::format("{} '{}' appears twice", kind, twin->id));
  }
}

}  // namespace

std::string_view to_string(ProviderKind kind) {
  return kind == ProviderKind::anthropic ? "anthropic" : "openai";
}

ProviderKind parse_provider_kind(std::string_view text) {
  for (ProviderKind kind : {ProviderKind::openai, ProviderKind::anthropic}) {
    if (text == to_string(kind)) {
      return kind;
    }
  }
  throw_invalid(fmt::format("invalid provider kind '{}': must be openai or anthropic", text));
}

bool Provider::operator==(const Provider& o) const {
  return std::tie(id, name, base_url, api_key_env, enabled, kind, responses) ==
         std::tie(o.id, o.name, o.base_url, o.api_key_env, o.enabled, o.kind, o.responses);
}

bool Mapping::operator==(const Mapping& o) const {
  return std::tie(provider, upstream_model, input, output, cached_input, context_size,
                  max_output_tokens, streaming) ==
             std::tie(o.provider, o.upstream_model, o.input, o.output, o.cached_input,
                      o.context_size, o.max_output_tokens, o.streaming) &&
         cache_write_5m() == o.cache_write_5m() && cache_write_1h() == o.cache_write_1h() &&
         long_context == o.long_context;
}

Price Mapping::cache_write_5m() const {
  // Prices are at most k_max_per_token (1e12), so five times one is far from overflowing.
  return cache_write_5m_price.value_or(Price::from_per_token((input.per_token() * 5 + 3) / 4));
}

Price Mapping::cache_write_1h() const {
  return cache_write_1h_price.value_or(Price::from_per_token(input.per_token() * 2));
}

Mapping Mapping::priced_for(std::int64_t prompt_tokens) const {
  if (!long_context || prompt_tokens <= long_context->above_tokens) {
    return *this;
  }
  Mapping tier = *this;
  tier.input = long_context->input;
  tier.output = long_context->output;
  tier.long_context.reset();
  return tier;
}

const Mapping* Model::find_mapping(std::string_view provider) const {
  for (const Mapping& m : mappings) {
    if (m.provider == provider) {
      return &m;
    }
  }
  return nullptr;
}

bool Model::operator==(const Model& o) const {
  return std::tie(id, name, mappings) == std::tie(o.id, o.name, o.mappings);
}

void validate_provider(const Provider& p) {
  check_provider_id(p.id);
  std::string context = fmt::format("provider '{}'", p.id);
  check_text(context, "name", p.name, 255);
  const std::string& url = p.base_url;
  bool url_ok =
      url.empty() || ((url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) &&
                      url.size() <= 2048 && url.find_first_of(" \t\r\n") == std::string::npos);
  if (!url_ok) {
    throw_invalid(fmt::format("{}: invalid base_url '{}': must start with http:// or https://",
                              context, url));
  }
  const std::string& env = p.api_key_env;
  bool env_ok = env.empty() || (env.size() <= 128 && !(env[0] >= '0' && env[0] <= '9') &&
                                std::all_of(env.begin(), env.end(),
                                            [](char c) { return is_alnum(c) || c == '_'; }));
  if (!env_ok) {
    throw_invalid(
        fmt::format("{}: invalid api_key_env '{}': must be an environment variable "
                    "name such as OPENAI_API_KEY",
                    context, env));
  }
  if (p.responses && p.kind != ProviderKind::openai) {
    throw_invalid(fmt::format("{}: only a provider of kind openai serves the Responses API",
                              context));
  }
}

void validate_model_fields(const Model& model) {
  check_model_id(model.id);
  std::string context = fmt::format("model '{}'", model.id);
  check_text(context, "name", model.name, 255);
  for (const Mapping& m : model.mappings) {
    check_provider_id(m.provider);
    std::string where = fmt::format("{}: mapping for provider '{}'", context, m.provider);
    check_text(where, "upstream_model", m.upstream_model, 256);
    if (m.context_size < 0 || m.max_output_tokens < 0) {
      throw_invalid(where + ": context_size and max_output_tokens must not be negative");
    }
    if (m.long_context && m.long_context->above_tokens < 1) {
      throw_invalid(where + ": long_context.above_tokens must be at least 1");
    }
  }
}

Catalog::Catalog(std::vector<Provider> providers, std::vector<Model> models)
    : m_providers(std::move(providers)), m_models(std::move(models)) {
  for (const Provider& p : m_providers) {
    validate_provider(p);
  }
  sort_unique_by_id(m_providers, "provider");
  for (Model& model : m_models) {
    validate_model_fields(model);
    std::string context = fmt::format("model '{}'", model.id);
    std::size_t slash = model.id.find('/');
    if (slash != std::string::npos && find_provider(model.id.substr(0, slash))) {
      throw_invalid(
          fmt::format("{}: the part before '/' is a provider id, so the id would "
                      "read as provider/model",
                      context));
    }
    if (model.mappings.empty() || model.mappings.size() > k_max_mappings) {
      throw_invalid(fmt::format("{}: needs 1 to {} provider mappings", context, k_max_mappings));
    }
    for (Mapping& m : model.mappings) {
      const Provider* provider = find_provider(m.provider);
      if (!provider) {
        throw_invalid(fmt::format("{}: unknown provider '{}'", context, m.provider));
      }
      m.writes_cache = provider->kind == ProviderKind::anthropic;
    }
    std::sort(model.mappings.begin(), model.mappings.end(),
              [](const Mapping& a, const Mapping& b) { return a.provider < b.provider; });
    auto twin = std::adjacent_find(
        model.mappings.begin(), model.mappings.end(),
        [](const Mapping& a, const Mapping& b) { return a.provider == b.provider; });
    if (twin != model.mappings.end()) {
      throw_invalid(fmt::format("{}: provider '{}' is mapped twice", context, twin->provider));
    }
  }
  sort_unique_by_id(m_models, "model");
}

const Provider* Catalog::find_provider(std::string_view id) const {
  return find_by_id(m_providers, id);
}

const Model* Catalog::find_model(std::string_view id) const {
  return find_by_id(m_models, id);
}

const Provider& Catalog::provider(std::string_view id) const {
  if (const Provider* p = find_provider(id)) {
    return *p;
  }
  throw_not_found(fmt::format("provider '{}' not found{}", id, did_you_mean(id, provider_ids())));
}

const Model& Catalog::model(std::string_view id) const {
  if (const Model* m = find_model(id)) {
    return *m;
  }
  throw_not_found(fmt::format("model '{}' not found{}", id, did_you_mean(id, model_ids())));
}

std::vector<std::string_view> Catalog::provider_ids() const {
  return ids_of(m_providers);
}

std::vector<std::string_view> Catalog::model_ids() const {
  return ids_of(m_models);
}

}  // namespace llmgw
