// `llmgw models`, `llmgw model add|update|rm`.
#include "cli/arguments.h"
#include "cli/catalog_view.h"
#include "cli/command_group.h"
#include "cli/commands.h"
#include "cli/completion/value_hint.h"
#include "cli/dry_run.h"
#include "cli/guard.h"
#include "cli/help_examples.h"
#include "cli/output.h"
#include "core/catalog_json.h"
#include "core/catalog_store.h"
#include "core/error.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>

namespace llmgw::cli {

namespace {

// The flags of one provider mapping, shared by `model add` and `model update`.
struct MappingOptions {
  std::optional<std::string> name;
  std::optional<std::string> provider;
  std::optional<std::string> upstream_model;
  std::optional<std::string> input;
  std::optional<std::string> output;
  std::optional<std::string> cached_input;
  std::optional<std::string> cache_write;
  std::optional<std::string> cache_write_1h;
  std::optional<std::int64_t> long_context_above;
  std::optional<std::string> long_context_input;
  std::optional<std::string> long_context_output;
  bool no_long_context = false;
  std::optional<std::int64_t> context_size;
  std::optional<std::int64_t> max_output_tokens;
  bool streaming = false;
  bool no_streaming = false;

  MappingChanges changes() const {
    auto price = [](const std::optional<std::string>& text, std::string_view option) {
      return text ? std::optional<Price>(Price::parse_per_million(*text, option)) : std::nullopt;
    };
    MappingChanges c;
    c.upstream_model = upstream_model;
    c.input = price(input, "--input-price");
    c.output = price(output, "--output-price");
    c.cached_input = price(cached_input, "--cached-input-price");
    c.cache_write_5m = price(cache_write, "--cache-write-price");
    c.cache_write_1h = price(cache_write_1h, "--cache-write-1h-price");
    const bool tier = long_context_above || long_context_input || long_context_output;
    if (tier && !(long_context_above && long_context_input && long_context_output)) {
      throw_invalid("a long-context tier needs --long-context-above, --long-context-input-price "
                    "and --long-context-output-price together");
    }
    if (tier) {
      c.long_context = LongContext{*long_context_above,
                                   *price(long_context_input, "--long-context-input-price"),
                                   *price(long_context_output, "--long-context-output-price")};
    } else if (no_long_context) {
      c.long_context = std::optional<LongContext>();
    }
    c.context_size = context_size;
    c.max_output_tokens = max_output_tokens;
    if (streaming || no_streaming) {
      c.streaming = streaming;
    }
    return c;
  }
};

void add_mapping_options(CLI::App* command, MappingOptions& o) {
  add_optional(command, "--name", o.name, "display name of the model");
  complete_with(add_optional(command, "--provider", o.provider, "provider id of the mapping"),
                ValueSource::provider_ids);
  add_optional(command, "--upstream-model", o.upstream_model,
               "model name the provider expects (default: the model id)");
  add_optional(command, "--input-price", o.input, "USD per 1M input tokens");
  add_optional(command, "--output-price", o.output, "USD per 1M output tokens");
  add_optional(command, "--cached-input-price", o.cached_input,
               "USD per 1M cached input tokens (default: the input price)");
  add_optional(command, "--cache-write-price", o.cache_write,
               "USD per 1M input tokens written to the cache for 5 minutes (default: 1.25 "
               "times the input price)");
  add_optional(command, "--cache-write-1h-price", o.cache_write_1h,
               "USD per 1M input tokens written to the cache for an hour (default: 2 times "
               "the input price)");
  auto* above = command->add_option_function<std::int64_t>(
      "--long-context-above", [&o](std::int64_t v) { o.long_context_above = v; },
      "a long-context tier: above this many prompt tokens the whole request is priced at "
      "the two prices below");
  add_optional(command, "--long-context-input-price", o.long_context_input,
               "USD per 1M input tokens of a request past the long-context tier");
  add_optional(command, "--long-context-output-price", o.long_context_output,
               "USD per 1M output tokens of a request past the long-context tier");
  command->add_flag("--no-long-context", o.no_long_context, "remove the long-context tier")
      ->excludes(above);
  command->add_option_function<std::int64_t>(
      "--context-size", [&o](std::int64_t v) { o.context_size = v; }, "context window in tokens");
  command->add_option_function<std::int64_t>(
      "--max-output-tokens", [&o](std::int64_t v) { o.max_output_tokens = v; },
      "most tokens one response may have");
  auto* streaming = command->add_flag("--streaming", o.streaming, "the mapping can stream");
  command->add_flag("--no-streaming", o.no_streaming, "the mapping cannot stream")
      ->excludes(streaming);
}

CLI::Option* refuse_model_secrets(CLI::Option* id) {
  return refuse_secrets(id, "model ids are names such as 'gpt-4o'");
}

void print_model(Context& context, const Model& model) {
  if (context.format() == Format::json) {
    print_json(context, to_json(model));
  } else {
    print_table(context, model_table({model}, load_catalog(context.store())));
  }
}

void add_list(CLI::App& app, Context& context) {
  struct Options {
    std::optional<std::string> provider;
    bool free = false;
  };
  auto o = std::make_shared<Options>();
  auto* models = app.add_subcommand("models", "list the catalog's models, one row per provider");
  complete_with(add_optional(models, "--provider", o->provider, "only this provider's mappings"),
                ValueSource::provider_ids);
  models->add_flag("--free", o->free, "only free mappings (all prices 0)");
  set_examples(models, {"llmgw models",
                        "llmgw models --provider openai",
                        "llmgw models --free"});
  models->callback([&context, o] {
    Catalog catalog = load_catalog(context.store());
    if (o->provider) {
      catalog.provider(*o->provider);  // a clear error for an unknown one
    }
    std::vector<Model> shown;
    for (Model model : catalog.models()) {
      auto& m = model.mappings;
      m.erase(std::remove_if(m.begin(), m.end(),
                             [&](const Mapping& mapping) {
                               return (o->provider && mapping.provider != *o->provider) ||
                                      (o->free && !mapping.is_free());
                             }),
              m.end());
      if (!m.empty()) {
        shown.push_back(std::move(model));
      }
    }
    if (context.format() == Format::json) {
      nlohmann::json array = nlohmann::json::array();
      for (const Model& model : shown) {
        array.push_back(to_json(model));
      }
      print_json(context, {{"models", std::move(array)}});
    } else {
      print_table(context, model_table(shown, catalog));
    }
  });
}

void add_add(CLI::App* model, Context& context) {
  struct Options {
    std::string id;
    MappingOptions mapping;
  };
  auto o = std::make_shared<Options>();
  auto* add = model->add_subcommand(
      "add", "add a model served by a provider, or another provider to a model");
  refuse_model_secrets(
      add->add_option("id", o->id, "canonical model id, what clients send")->required());
  add_mapping_options(add, o->mapping);
  add_dry_run_flag(add, context);
  for (const char* name : {"--provider", "--input-price", "--output-price"}) {
    add->get_option(name)->required();
  }
  set_examples(add, {"llmgw model add llama-4 --provider vllm --input-price 0 --output-price 0",
                     "llmgw model add gpt-4o --provider openrouter --upstream-model openai/gpt-4o "
                     "--input-price 2.5 --output-price 10"});
  add->callback([&context, o] {
    MappingChanges c = o->mapping.changes();
    Mapping m;
    m.provider = *o->mapping.provider;
    m.upstream_model = c.upstream_model.value_or(o->id);
    m.input = *c.input;
    m.output = *c.output;
    m.cached_input = c.cached_input.value_or(m.input);
    m.cache_write_5m_price = c.cache_write_5m;
    m.cache_write_1h_price = c.cache_write_1h;
    m.long_context = c.long_context.value_or(std::nullopt);
    m.context_size = c.context_size.value_or(0);
    m.max_output_tokens = c.max_output_tokens.value_or(0);
    m.streaming = c.streaming.value_or(true);
    CatalogStore catalog(context.store());
    run_change(
        context, [&] { return catalog.add_mapping(o->id, o->mapping.name, m); },
        [&](const Model& model) { print_model(context, model); });
  });
}

void add_update(CLI::App* model, Context& context) {
  struct Options {
    std::string id;
    MappingOptions mapping;
  };
  auto o = std::make_shared<Options>();
  auto* update =
      model->add_subcommand("update", "rename a model, or change its mapping for --provider");
  complete_with(refuse_model_secrets(update->add_option("id", o->id, "model id")->required()),
                ValueSource::model_ids);
  add_mapping_options(update, o->mapping);
  add_dry_run_flag(update, context);
  set_examples(update, {"llmgw model update gpt-4o --provider openai --input-price 2.5",
                        "llmgw model update llama-4 --name \"Llama 4\""});
  update->callback([&context, o] {
    MappingChanges c = o->mapping.changes();
    if (!c.empty() && !o->mapping.provider) {
      throw_invalid("changing a mapping needs --provider");
    }
    if (c.empty() && !o->mapping.name) {
      throw_invalid("nothing to update: give --name, or --provider with a mapping option");
    }
    CatalogStore catalog(context.store());
    run_change(
        context,
        [&] { return catalog.update_model(o->id, o->mapping.name, o->mapping.provider, c); },
        [&](const Model& model) { print_model(context, model); });
  });
}

// What `model rm` asks: about the one mapping `mapping` when the model keeps others, else
// about the whole model.
std::string removal_question(const Model& model, const Mapping* mapping) {
  if (mapping && model.mappings.size() > 1) {
    return fmt::format("Delete the {} mapping of model {}? Requests for the model go to its "
                       "other providers.",
                       mapping->provider, model.id);
  }
  std::size_t count = model.mappings.size();
  return fmt::format("Delete model {} ({}) and its {} provider mapping{}? Clients asking for "
                     "it are refused until it is added again.",
                     model.id, model.name, count, count == 1 ? "" : "s");
}

void add_remove(CLI::App* model, Context& context) {
  struct Options {
    std::string id;
    std::optional<std::string> provider;
  };
  auto o = std::make_shared<Options>();
  auto* remove = model->add_subcommand(
      "delete", "delete a model, or with --provider one of its mappings");
  remove->alias("rm");
  complete_with(refuse_model_secrets(remove->add_option("id", o->id, "model id")->required()),
                ValueSource::model_ids);
  complete_with(
      add_optional(remove, "--provider", o->provider, "delete only this provider's mapping"),
      ValueSource::provider_ids);
  add_destructive_flags(remove, context);
  set_examples(remove, {"llmgw model delete llama-4",
                        "llmgw model rm gpt-4o --provider openrouter --yes"});
  remove->callback([&context, o] {
    Catalog current = load_catalog(context.store());
    if (const Model* model = current.find_model(o->id)) {
      const Mapping* mapping = o->provider ? model->find_mapping(*o->provider) : nullptr;
      if (!o->provider || mapping) {
        confirm(context, "model delete", removal_question(*model, mapping));
      }
    }
    CatalogStore catalog(context.store());
    run_change(
        context, [&] { return catalog.remove_model(o->id, o->provider); },
        [&](const Model& before) {
          bool whole = !o->provider || before.mappings.size() == 1;
          if (context.format() == Format::json) {
            print_json(context, {{"model", o->id},
                        {"provider", o->provider ? nlohmann::json(*o->provider) : nlohmann::json()},
                        {"model_removed", whole}});
          } else if (whole) {
            tell(fmt::format("Deleted model {}.", o->id));
          } else {
            tell(fmt::format("Deleted the {} mapping of model {}.", *o->provider, o->id));
          }
        });
  });
}

}  // namespace

void add_model_commands(CLI::App& app, Context& context) {
  add_list(app, context);
  auto* model = app.add_subcommand("model", "add, change or remove catalog models");
  make_group(*model);
  add_add(model, context);
  add_update(model, context);
  add_remove(model, context);
}

}  // namespace llmgw::cli
