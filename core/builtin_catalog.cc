// The built-in catalog: core/catalog/default_catalog.json, compiled into the binary by
// core/catalog/embed.cmake.
#include "core/catalog.h"
#include "core/catalog_json.h"

#include <nlohmann/json.hpp>

#include <cstddef>

namespace llmgw {

extern const char k_default_catalog_json[];
extern const std::size_t k_default_catalog_json_size;

const Catalog& builtin_catalog() {
  // Parsed once, on first use; tests/unit/catalog_test.cc keeps the data valid.
  static const Catalog catalog =
      catalog_from_json(nlohmann::json::parse(k_default_catalog_json,
                                              k_default_catalog_json + k_default_catalog_json_size),
                        "built-in catalog");
  return catalog;
}

}  // namespace llmgw
