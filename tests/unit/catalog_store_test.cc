#include "core/catalog_store.h"
#include "core/store.h"
#include "tests/support/db_dump.h"
#include "tests/support/temp_dir.h"
#include "tests/support/thrown.h"
#include "tests/unit/iam_fixture.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using llmgw::CatalogStore;
using llmgw::Mapping;
using llmgw::MappingChanges;
using llmgw::Price;
using llmgw::ProviderChanges;
using nlohmann::json;

namespace {

struct Fixture {
  test::TempDir dir;
  llmgw::Store store{dir.file("llmgw.db")};
  CatalogStore catalog{store, test::iam_catalog()};

  std::int64_t rows(const char* table) {
    return store.db().execAndGet(std::string("SELECT count(*) FROM ") + table).getInt64();
  }
  json exported() { return llmgw::to_json(catalog.load()); }
  // The stored differences, one line a row.
  std::string catalog_rows() {
    std::string out;
    for (const char* table : {"catalog_providers", "catalog_models", "catalog_mappings"}) {
      SQLite::Statement select(store.db(),
                               std::string("SELECT * FROM ") + table + " ORDER BY 1, 2");
      while (select.executeStep()) {
        out += table;
        for (int i = 0; i < select.getColumnCount(); ++i) {
          out += " " + select.getColumn(i).getString();
        }
        out += "\n";
      }
    }
    return out;
  }
};

Mapping mapping(const char* provider, const char* input, const char* output) {
  Mapping m;
  m.provider = provider;
  m.upstream_model = std::string("up-") + provider;
  m.input = Price::parse_per_million(input, "input");
  m.output = Price::parse_per_million(output, "output");
  m.cached_input = m.input;
  return m;
}

Price price(const char* text) {
  return Price::parse_per_million(text, "price");
}

}  // namespace

TEST_CASE("catalog store: without changes the effective catalog is the built-in one") {
  Fixture f;
  CHECK(f.exported() == llmgw::to_json(test::iam_catalog()));
}

TEST_CASE("catalog store: a provider change is stored, and dropped when changed back") {
  Fixture f;
  ProviderChanges off;
  off.enabled = false;
  off.api_key_env = "ALPHA_KEY";
  llmgw::Provider p = f.catalog.set_provider("alpha", off);
  CHECK_FALSE(p.enabled);
  CHECK(f.catalog.load().find_provider("alpha")->api_key_env == "ALPHA_KEY");
  CHECK(f.rows("catalog_providers") == 1);
  ProviderChanges back;
  back.enabled = true;
  back.api_key_env = "";
  f.catalog.set_provider("alpha", back);
  CHECK(f.rows("catalog_providers") == 0);
  CHECK(f.exported() == llmgw::to_json(test::iam_catalog()));
}

TEST_CASE("catalog store: a new provider needs a base URL") {
  Fixture f;
  ProviderChanges named;
  named.name = "Local";
  CHECK(test::thrown_by([&] { f.catalog.set_provider("local", named); }) ==
        test::not_found("provider 'local' not found; give it a base URL to add it"));
  named.base_url = "http://127.0.0.1:8000/v1";
  llmgw::Provider p = f.catalog.set_provider("local", named);
  CHECK(p.name == "Local");
  CHECK(p.enabled);
  named.base_url = "nope";
  CHECK(test::thrown_by([&] { f.catalog.set_provider("local", named); }) ==
        test::invalid("provider 'local': invalid base_url 'nope': must start with http:// or "
                      "https://"));
  CHECK(f.catalog.load().find_provider("local")->base_url == "http://127.0.0.1:8000/v1");
}

TEST_CASE("catalog store: models and mappings are added, changed and removed") {
  Fixture f;
  llmgw::Model added =
      f.catalog.add_mapping("custom", std::string("Custom"), mapping("beta", "1", "2"));
  CHECK(added.name == "Custom");
  CHECK(f.catalog.add_mapping("custom", std::nullopt, mapping("alpha", "3", "4")).mappings.size() ==
        2);
  CHECK(test::thrown_by([&] {
          f.catalog.add_mapping("custom", std::nullopt, mapping("alpha", "1", "1"));
        }) == test::conflict("model 'custom' already has a mapping for provider 'alpha'"));
  CHECK(test::thrown_by([&] {
          f.catalog.add_mapping("x", std::nullopt, mapping("alfa", "1", "1"));
        }) == test::not_found("provider 'alfa' not found (did you mean alpha?)"));

  MappingChanges cheaper;
  cheaper.input = price("0.5");
  llmgw::Model changed =
      f.catalog.update_model("multi", std::string("Multi"), std::string("alpha"), cheaper);
  CHECK(changed.name == "Multi");
  CHECK(changed.find_mapping("alpha")->input == price("0.5"));
  CHECK(changed.find_mapping("alpha")->output == price("6"));
  CHECK(test::thrown_by([&] {
          f.catalog.update_model("multi", std::nullopt, std::nullopt, cheaper);
        }) == test::invalid("changing a mapping needs the provider whose mapping it is"));
  CHECK(test::thrown_by([&] {
          f.catalog.update_model("multi", std::nullopt, std::string("off"), cheaper);
        }) == test::not_found("model 'multi' has no mapping for provider 'off'"));
  CHECK(test::thrown_by([&] { f.catalog.update_model("mult", std::nullopt, std::nullopt, {}); }) ==
        test::not_found("model 'mult' not found (did you mean multi?)"));

  f.catalog.remove_model("multi", std::string("gamma"));
  CHECK(f.catalog.load().find_model("multi")->mappings.size() == 2);
  f.catalog.remove_model("solo", std::string("alpha"));  // its last mapping
  CHECK(f.catalog.load().find_model("solo") == nullptr);
  f.catalog.remove_model("custom", std::nullopt);
  CHECK(f.catalog.load().find_model("custom") == nullptr);
  CHECK(test::thrown_by([&] { f.catalog.remove_model("custom", std::nullopt); }) ==
        test::not_found("model 'custom' not found"));
  CHECK(test::thrown_by([&] { f.catalog.remove_model("multi", std::string("gamma")); }) ==
        test::not_found("model 'multi' has no mapping for provider 'gamma'"));
}

TEST_CASE("catalog store: a removed built-in model comes back with only what is added") {
  Fixture f;
  f.catalog.remove_model("multi", std::nullopt);
  CHECK(f.rows("catalog_models") == 1);
  f.catalog.add_mapping("multi", std::nullopt, mapping("beta", "7", "7"));
  const auto catalog = f.catalog.load();  // kept while `multi` points into it
  const llmgw::Model* multi = catalog.find_model("multi");
  REQUIRE(multi != nullptr);
  REQUIRE(multi->mappings.size() == 1);
  CHECK(multi->mappings[0].input == price("7"));
  CHECK(f.rows("catalog_models") == 0);  // same name as built-in: no row
}

TEST_CASE("catalog store: import merges, or replaces") {
  Fixture f;
  json file =
      json::parse(R"({"providers": [{"id": "delta", "name": "Delta", "base_url": "https://d.test"}],
    "models": [{"id": "multi", "mappings": [{"provider": "delta", "input_price": "0.1", "output_price": "0.2"}]},
               {"id": "new", "mappings": [{"provider": "alpha", "input_price": 1, "output_price": 2}]}]})");
  auto summary =
      f.catalog.import(llmgw::parse_catalog_file(file, "file"), llmgw::ImportMode::merge);
  CHECK(summary.providers == 1);
  CHECK(summary.models == 2);
  llmgw::Catalog merged = f.catalog.load();
  CHECK(merged.model_ids() == std::vector<std::string_view>{"cheap", "dark", "half", "mixed",
                                                            "multi", "new", "solo", "twin"});
  CHECK(merged.find_model("multi")->mappings.size() == 1);
  CHECK(merged.find_provider("alpha")->enabled);

  f.catalog.import(llmgw::parse_catalog_file(file, "file"), llmgw::ImportMode::replace);
  llmgw::Catalog replaced = f.catalog.load();
  CHECK(replaced.model_ids() == std::vector<std::string_view>{"multi", "new"});
  CHECK_FALSE(replaced.find_provider("alpha")->enabled);
  CHECK(replaced.find_provider("delta")->enabled);

  // Importing the export changes no stored difference.
  std::string before = f.catalog_rows();
  f.catalog.import(llmgw::parse_catalog_file(f.exported(), "file"), llmgw::ImportMode::merge);
  CHECK(f.catalog_rows() == before);
}

TEST_CASE("catalog store: a bad import changes nothing") {
  Fixture f;
  std::string before = test::dump_database(f.store.path());
  json file = json::parse(R"({"providers": [],
    "models": [{"id": "ok", "mappings": [{"provider": "alpha", "input_price": "1", "output_price": "1"}]},
               {"id": "bad", "mappings": [{"provider": "nowhere", "input_price": "1", "output_price": "1"}]}]})");
  CHECK(test::thrown_by([&] {
          f.catalog.import(llmgw::parse_catalog_file(file, "file"), llmgw::ImportMode::merge);
        }) == test::invalid("file: models[1] (bad): mappings[0]: unknown provider 'nowhere'"));
  CHECK(test::dump_database(f.store.path()) == before);
}

TEST_CASE("catalog store: rows a newer built-in catalog no longer supports are dropped") {
  Fixture f;
  f.catalog.add_mapping("custom", std::nullopt, mapping("gamma", "1", "1"));
  f.catalog.add_mapping("solo", std::nullopt, mapping("gamma", "1", "1"));
  llmgw::Catalog smaller({{"alpha", "Alpha", "", "", true}},
                         {{"solo", "solo", {mapping("alpha", "1", "2")}}});
  llmgw::Catalog loaded = CatalogStore(f.store, smaller).load();
  CHECK(loaded.model_ids() == std::vector<std::string_view>{"solo"});
  CHECK(loaded.find_model("solo")->mappings.size() == 1);
}
