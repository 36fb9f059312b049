#include "core/catalog.h"
#include "core/catalog_json.h"
#include "tests/support/thrown.h"
#include "tests/unit/iam_fixture.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using llmgw::Catalog;
using nlohmann::json;

namespace {

std::optional<test::Thrown> refusal_of(const char* text) {
  return test::thrown_by([&] { llmgw::catalog_from_json(json::parse(text), "file"); });
}

}  // namespace

TEST_CASE("catalog: the built-in catalog is valid and has the providers the README names") {
  const Catalog& catalog = llmgw::builtin_catalog();
  for (const char* id : {"openai", "anthropic", "google", "mistral", "groq", "deepseek", "xai",
                         "together", "openrouter", "ollama", "echo"}) {
    CAPTURE(id);
    CHECK(catalog.find_provider(id) != nullptr);
  }
  const llmgw::Model* echo = catalog.find_model("echo");
  REQUIRE(echo != nullptr);
  REQUIRE(echo->mappings.size() == 1);
  CHECK(echo->mappings[0].provider == "echo");
  CHECK(echo->mappings[0].is_free());
  CHECK(echo->mappings[0].streaming);
  bool several = false;
  bool free_and_paid = false;
  for (const llmgw::Model& m : catalog.models()) {
    several = several || m.mappings.size() > 1;
    bool any_free = false;
    bool any_paid = false;
    for (const llmgw::Mapping& mapping : m.mappings) {
      (mapping.is_free() ? any_free : any_paid) = true;
    }
    free_and_paid = free_and_paid || (any_free && any_paid);
  }
  CHECK(several);
  CHECK(free_and_paid);
}

TEST_CASE("catalog: lookups, sorted by id, and clear errors for unknown ids") {
  const Catalog& catalog = test::iam_catalog();
  CHECK(catalog.find_provider("beta")->name == "Beta");
  CHECK(catalog.find_provider("zeta") == nullptr);
  CHECK(catalog.find_model("multi")->mappings.size() == 3);
  CHECK(catalog.find_model("mult") == nullptr);
  CHECK(catalog.model_ids() ==
        std::vector<std::string_view>{"cheap", "dark", "half", "mixed", "multi", "solo", "twin"});
  CHECK(catalog.find_model("twin")->mappings[0].provider == "alpha");
  CHECK(test::thrown_by([&] { catalog.model("mult"); }) ==
        test::not_found("model 'mult' not found (did you mean multi?)"));
  CHECK(test::thrown_by([&] { catalog.provider("zzz"); }) ==
        test::not_found("provider 'zzz' not found"));
}

TEST_CASE("catalog: JSON export reads back the same") {
  json exported = llmgw::to_json(test::iam_catalog());
  CHECK(llmgw::to_json(llmgw::catalog_from_json(exported, "export")) == exported);
  CHECK(exported["models"][0] == json::parse(R"({"id": "cheap", "name": "cheap", "mappings": [
    {"provider": "beta", "upstream_model": "cheap", "input_price": "0.5", "output_price": "1",
     "cached_input_price": "0.5", "context_size": 0, "max_output_tokens": 0,
     "streaming": true}]})"));
  CHECK(exported["providers"][3] == json::parse(R"({"id": "off", "name": "Off",
    "base_url": "https://off.test/v1", "api_key_env": "", "enabled": false, "kind": "openai",
    "responses": false})"));
}

TEST_CASE("catalog: a bad entry is refused, naming it") {
  const char* p = R"({"id": "p", "name": "P", "base_url": "https://p.test"})";
  auto with = [&](std::string models, std::string providers = "") {
    return R"({"providers": [)" + std::string(p) + providers + R"(], "models": [)" + models + "]}";
  };
  std::string m =
      R"({"id": "m", "mappings": [{"provider": "p", "input_price": "1", "output_price": "1"}]})";
  std::vector<std::pair<std::string, std::string>> rows = {
      {with(m, "," + std::string(p)), "file: providers[1]: provider 'p' appears twice"},
      {with(m + "," + m), "file: models[1]: model 'm' appears twice"},
      {with(
           R"({"id": "x", "mappings": [{"provider": "q", "input_price": "1", "output_price": "1"}]})"),
       "file: model 'x': unknown provider 'q'"},
      {with(R"({"id": "x", "mappings": []})"), "file: model 'x': needs 1 to 64 provider mappings"},
      {with(
           R"({"id": "p/x", "mappings": [{"provider": "p", "input_price": "1", "output_price": "1"}]})"),
       "file: model 'p/x': the part before '/' is a provider id, so the id would read as "
       "provider/model"},
      {with(R"({"id": "x", "mappings": [{"provider": "p", "input_price": "1", "output_price": "1"},
                                         {"provider": "p", "input_price": "2", "output_price": "2"}]})"),
       "file: models[0] (x): mappings[1]: provider 'p' appears twice"},
      {with(
           R"({"id": "x", "mappings": [{"provider": "p", "input_price": "1.1234567", "output_price": "1"}]})"),
       "file: models[0] (x): mappings[0]: invalid input_price '1.1234567': at most 6 decimal "
       "places"},
      {with(
           R"({"id": "x", "mappings": [{"provider": "p", "input_price": "1", "output_price": "1", "inputprice": 1}]})"),
       R"(file: models[0] (x): mappings[0]: unknown field "inputprice")"},
      {with(R"({"id": "x", "mappings": [{"provider": "p", "input_price": "1"}]})"),
       R"(file: models[0] (x): mappings[0]: "output_price" is missing)"},
      {with(
           R"({"id": "x", "mappings": [{"provider": "p", "input_price": "1", "output_price": "1", "context_size": -5}]})"),
       R"(file: models[0] (x): mappings[0]: "context_size" must be a whole number, 0 or more)"},
      {with(R"({"id": " x", "mappings": []})"),
       "file: models[0] ( x): invalid model id ' x': use 1 to 128 of A-Z a-z 0-9 . _ : @ / + -, "
       "starting with a letter or digit"},
      {with(m, R"(, {"id": "Bad", "name": "B", "base_url": ""})"),
       "file: providers[1]: invalid provider id 'Bad': use 1 to 64 of a-z 0-9 . _ -, starting "
       "with a letter or digit"},
      {with(m, R"(, {"id": "q", "name": "Q", "base_url": "ftp://q"})"),
       "file: providers[1]: provider 'q': invalid base_url 'ftp://q': must start with http:// "
       "or https://"},
      {with(m, R"(, {"id": "q", "name": "Q", "base_url": "", "api_key_env": "MY-KEY"})"),
       "file: providers[1]: provider 'q': invalid api_key_env 'MY-KEY': must be an environment "
       "variable name such as OPENAI_API_KEY"},
      {with(m, R"(, {"id": "q", "name": "", "base_url": ""})"),
       "file: providers[1]: provider 'q': name must be 1 to 255 characters"},
      {with(m, R"(, {"id": "q", "name": "Q", "base_url": "", "kind": "Anthropic"})"),
       "file: providers[1]: invalid provider kind 'Anthropic': must be openai or anthropic"},
      {with(m, R"(, {"id": "q", "name": "Q", "base_url": "", "kind": 1})"),
       R"(file: providers[1]: "kind" must be a string)"},
      {R"({"providers": []})", R"(file: "models" is missing)"},
      {R"({"providers": [], "models": [], "version": 2})", R"(file: unknown field "version")"},
  };
  for (const auto& [file, message] : rows) {
    CAPTURE(file);
    CHECK(refusal_of(file.c_str()) == test::invalid(message));
  }
}
