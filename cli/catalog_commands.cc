// `llmgw providers`, `llmgw provider set`, `llmgw catalog export|import|reset`.
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
#include "core/json_fields.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>

namespace llmgw::cli {

namespace {

void add_providers(CLI::App& app, Context& context) {
  auto* providers = app.add_subcommand("providers", "list the providers of the catalog");
  set_examples(providers, {"llmgw providers",
                           "llmgw --json providers | jq -r '.providers[].id'"});
  providers->callback([&context] {
    Catalog catalog = load_catalog(context.store());
    if (context.format() == Format::json) {
      print_json(context, {{"providers", to_json(catalog)["providers"]}});
    } else {
      print_table(context, provider_table(catalog));
    }
  });
}

void add_provider_set(CLI::App& app, Context& context) {
  struct Options {
    std::string id;
    ProviderChanges changes;
    std::optional<std::string> kind;
    bool enable = false;
    bool disable = false;
    bool responses = false;
    bool no_responses = false;
  };
  auto o = std::make_shared<Options>();
  auto* provider = app.add_subcommand("provider", "change the catalog's providers");
  make_group(*provider);
  auto* set = provider->add_subcommand(
      "set", "change a provider, or add one (an unknown id with --base-url)");
  complete_with(refuse_secrets(set->add_option("id", o->id, "provider id (openai, ...)")->required(),
                               "provider ids are names such as 'openai'"),
                ValueSource::provider_ids);
  add_optional(set, "--name", o->changes.name, "display name");
  add_optional(set, "--base-url", o->changes.base_url,
               "base URL of its API, e.g. https://api.openai.com/v1 (openai), "
               "https://api.anthropic.com (anthropic)");
  complete_with(add_optional(set, "--kind", o->kind,
                             "the API it speaks: openai (chat completions, a Bearer credential) "
                             "or anthropic (the Messages API, an x-api-key credential)"),
                {to_string(ProviderKind::openai), to_string(ProviderKind::anthropic)});
  add_optional(set, "--api-key-env", o->changes.api_key_env,
               "environment variable holding its credential, e.g. OPENAI_API_KEY; '' for none");
  set_examples(set, {"llmgw provider set openai --api-key-env OPENAI_API_KEY --enable",
                     "llmgw provider set vllm --base-url http://10.0.0.5:8000/v1 --api-key-env ''",
                     "llmgw provider set openrouter --disable"});
  auto* enable = set->add_flag("--enable", o->enable, "let requests use it");
  set->add_flag("--disable", o->disable, "keep requests off it")->excludes(enable);
  auto* responses = set->add_flag(
      "--responses", o->responses,
      "it also serves OpenAI's Responses API at {base}/responses (kind openai)");
  set->add_flag("--no-responses", o->no_responses, "it does not serve the Responses API")
      ->excludes(responses);
  add_dry_run_flag(set, context);
  set->callback([&context, o] {
    if (o->enable || o->disable) {
      o->changes.enabled = o->enable;
    }
    if (o->kind) {
      o->changes.kind = parse_provider_kind(*o->kind);
    }
    if (o->responses || o->no_responses) {
      o->changes.responses = o->responses;
    }
    const ProviderChanges& c = o->changes;
    if (!c.name && !c.base_url && !c.api_key_env && !c.enabled && !c.kind && !c.responses) {
      throw_invalid("nothing to change: give at least one option");
    }
    CatalogStore store(context.store());
    run_change(
        context, [&] { return store.set_provider(o->id, c); },
        [&](const Provider& p) {
          if (context.format() == Format::json) {
            print_json(context, to_json(p));
          } else {
            std::fputs(render_provider_fields(p).c_str(), stdout);
          }
        });
  });
}

std::string read_input(const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), {});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw_not_found(fmt::format("catalog file '{}' cannot be read", path));
  }
  return std::string(std::istreambuf_iterator<char>(in), {});
}

ImportMode import_mode(bool replace) {
  return replace ? ImportMode::replace : ImportMode::merge;
}

void add_import(CLI::App* catalog, Context& context) {
  struct Options {
    std::string path;
    bool replace = false;
  };
  auto o = std::make_shared<Options>();
  auto* import = catalog->add_subcommand(
      "import", "add or replace providers and models from a JSON file; a bad file changes nothing");
  complete_with(import
                    ->add_option("file", o->path,
                                 "JSON file in the shape of `llmgw catalog export`; - for stdin")
                    ->required(),
                ValueSource::files);
  auto* replace = import->add_flag(
      "--replace", o->replace,
      "the file is the whole catalog: remove models it does not name, disable providers it "
      "does not name");
  add_dry_run_flag(import, context);
  import->add_flag("-y,--yes", context.yes, "with --replace: do not ask first; needed where "
                                            "there is no terminal to ask on")
      ->needs(replace);
  set_examples(import, {"llmgw catalog import catalog.json",
                        "llmgw catalog import - < catalog.json",
                        "llmgw catalog import --replace --dry-run catalog.json"});
  import->callback([&context, o] {
    std::string source = fmt::format("catalog file '{}'", o->path);
    nlohmann::json document = parse_json(read_input(o->path), source);
    CatalogFile file = parse_catalog_file(document, source);
    CatalogStore store(context.store());  // a missing database first: nothing to ask about
    if (o->replace) {
      confirm(context, "catalog import --replace",
              fmt::format("Replace the catalog with {}? Models it does not name are removed "
                          "and providers it does not name are disabled.",
                          o->path));
    }
    run_change(
        context, [&] { return store.import(file, import_mode(o->replace)); },
        [&](const ImportSummary& summary) {
          if (context.format() == Format::json) {
            print_json(context, {{"providers", summary.providers}, {"models", summary.models}});
          } else {
            tell(fmt::format("Imported {} providers and {} models from {}.", summary.providers,
                             summary.models, o->path));
          }
        });
  });
}

void add_reset(CLI::App* catalog, Context& context) {
  auto* reset = catalog->add_subcommand(
      "reset", "restore the built-in catalog: every provider and model change made here is lost");
  add_destructive_flags(reset, context);
  set_examples(reset, {"llmgw catalog reset --dry-run", "llmgw catalog reset --yes"});
  reset->callback([&context] {
    CatalogStore store(context.store());  // a missing database first: nothing to ask about
    confirm(context, "catalog reset",
            "Restore the built-in catalog? Every provider and model added, changed or removed "
            "here is lost.");
    run_change(
        context, [&] { return store.reset(); },
        [&](std::size_t changed) {
          if (context.format() == Format::json) {
            print_json(context, {{"changed", changed}});
          } else {
            tell(changed == 0 ? std::string("The catalog was the built-in one; nothing to do.")
                              : fmt::format("Restored the built-in catalog ({} change{} undone).",
                                            changed, changed == 1 ? "" : "s"));
          }
        });
  });
}

void add_catalog(CLI::App& app, Context& context) {
  auto* catalog =
      app.add_subcommand("catalog", "export, import or reset the whole catalog as JSON");
  make_group(*catalog);
  auto* exporting = catalog->add_subcommand("export", "print the effective catalog as JSON");
  set_examples(exporting, {"llmgw catalog export > catalog.json"});
  exporting->callback([&context] {
    print_json(context, to_json(load_catalog(context.store())));
  });
  add_import(catalog, context);
  add_reset(catalog, context);
}

}  // namespace

void add_catalog_commands(CLI::App& app, Context& context) {
  add_providers(app, context);
  add_provider_set(app, context);
  add_catalog(app, context);
}

}  // namespace llmgw::cli
