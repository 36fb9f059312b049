// Fuzz target: a client's request body on its way upstream, as daemon/gateway.cc handles
// it: parse, authorize the requested model under a key's rules, and for each allowed
// candidate in turn rewrite and serialize the body. The input is the body, tried on the
// chat, embeddings and Messages endpoints under each key below, against the built-in catalog. Aborts when
// - parsing throws anything but Error(invalid), or accepts a body that nlohmann/json
//   refuses or that nests deeper than k_max_json_depth;
// - the model, stream flag or max tokens it extracts are not the body's own;
// - an allowed decision serves another model than the one asked for, or a candidate that
//   the key's rules exclude;
// - a serialized upstream body is not a JSON object with exactly one top-level "model"
//   key, counted as written (parsing into a value keeps one of duplicates), whose value is
//   the candidate's upstream model; or it differs from the client's body in anything but
//   `model` and, when a chat request streams, stream_options.include_usage.
#include "core/catalog.h"
#include "core/wire/client_request.h"
#include "core/error.h"
#include "core/evaluator.h"
#include "core/rule.h"
#include "tests/fuzz/check.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <initializer_list>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using llmgw::Candidate;
using llmgw::ClientRequest;
using llmgw::Decision;
using llmgw::Endpoint;
using llmgw::RuleType;
using nlohmann::json;

struct Key {
  std::vector<llmgw::Rule> rules;
  // True for a candidate these rules must never allow, stated apart from the evaluator.
  bool (*excludes)(const Candidate& candidate);
};

llmgw::Rule rule(RuleType type, const char* value) {
  return llmgw::make_rule(type, json::parse(value));
}

bool is_one_of(const std::string& id, std::initializer_list<std::string_view> ids) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

const std::vector<Key>& keys() {
  static const std::vector<Key> keys = {
      {{}, [](const Candidate&) { return false; }},
      {{rule(RuleType::allow_models, R"({"models": ["gpt-4o-mini", "gpt-oss-120b", "echo"]})"),
        rule(RuleType::deny_providers, R"({"providers": ["openrouter"]})")},
       [](const Candidate& c) {
         return !is_one_of(c.model->id, {"gpt-4o-mini", "gpt-oss-120b", "echo"}) ||
                c.provider->id == "openrouter";
       }},
      {{rule(RuleType::allow_pricing, R"({"pricingType": "free"})")},
       [](const Candidate& c) { return !c.mapping->is_free(); }},
      {{rule(RuleType::deny_models, R"({"models": ["gpt-4o"]})"),
        rule(RuleType::allow_providers, R"({"providers": ["openai", "ollama"]})")},
       [](const Candidate& c) {
         return c.model->id == "gpt-4o" || !is_one_of(c.provider->id, {"openai", "ollama"});
       }},
  };
  return keys;
}

int depth(const json& value) {
  if (!value.is_structured()) {
    return 0;
  }
  int deepest = 0;
  for (const json& item : value) {
    deepest = std::max(deepest, depth(item));
  }
  return deepest + 1;
}

// `text` parsed, with the number of its top-level "model" keys counted as written: the
// parsed value keeps only one of duplicates.
json parse_counting_model_keys(const std::string& text, std::size_t& model_keys) {
  model_keys = 0;
  return json::parse(text, [&model_keys](int level, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::key && level == 1 && parsed == "model") {
      ++model_keys;
    }
    return true;
  });
}

void check_fields(const ClientRequest& request, const json& body) {
  FUZZ_CHECK(request.model == body.at("model").get<std::string>());
  if (request.endpoint == Endpoint::embeddings) {
    FUZZ_CHECK(!request.stream && !request.max_tokens);
    return;
  }
  FUZZ_CHECK(request.stream == (body.contains("stream") && body.at("stream") == true));
  if (request.endpoint == Endpoint::messages) {
    // Required, at least 1, and the only limit of this API.
    FUZZ_CHECK(request.max_tokens && *request.max_tokens >= 1 &&
               body.at("max_tokens").get<std::int64_t>() == *request.max_tokens);
    return;
  }
  // Both limits are checked and the larger counts; null is absent.
  std::optional<std::int64_t> max_tokens;
  for (const char* name : {"max_completion_tokens", "max_tokens"}) {
    if (body.contains(name) && !body.at(name).is_null()) {
      max_tokens = std::max(max_tokens.value_or(0), body.at(name).get<std::int64_t>());
    }
  }
  FUZZ_CHECK(request.max_tokens == max_tokens);
  FUZZ_CHECK(!request.max_tokens || *request.max_tokens >= 0);
}

// The served model is the one asked for: "provider/model" when the part before the first
// '/' is a provider id, and then only that provider serves it; else the whole string.
void check_decision(std::string_view requested, const Decision& decision, const Key& key) {
  const llmgw::Catalog& catalog = llmgw::builtin_catalog();
  FUZZ_CHECK(decision.model != nullptr && !decision.candidates.empty() && decision.reason.empty());
  std::string_view model_id = requested;
  const llmgw::Provider* named = nullptr;
  std::size_t slash = requested.find('/');
  if (slash != std::string_view::npos) {
    named = catalog.find_provider(requested.substr(0, slash));
    if (named) {
      model_id = requested.substr(slash + 1);
    }
  }
  FUZZ_CHECK(decision.model->id == model_id);
  for (const Candidate& c : decision.candidates) {
    FUZZ_CHECK(c.model == decision.model);
    FUZZ_CHECK(c.provider->enabled && c.provider->id == c.mapping->provider);
    FUZZ_CHECK(decision.model->find_mapping(c.provider->id) == c.mapping);
    FUZZ_CHECK(named == nullptr || c.provider == named);
    FUZZ_CHECK(!key.excludes(c));
  }
}

void check_upstream_body(const std::string& sent, const json& client_body, bool stream,
                         const std::string& upstream_model) {
  FUZZ_CHECK(json::accept(sent));
  std::size_t model_keys = 0;
  json received = parse_counting_model_keys(sent, model_keys);
  FUZZ_CHECK(model_keys == 1);
  FUZZ_CHECK(received.at("model") == upstream_model);
  json expected = client_body;
  expected["model"] = upstream_model;
  if (stream) {  // a chat request's: a Messages body goes on with only its model changed
    expected["stream_options"]["include_usage"] = true;
  }
  FUZZ_CHECK(received == expected);
}

void exercise(std::string_view text, Endpoint endpoint) {
  ClientRequest parsed;
  try {
    parsed = llmgw::parse_client_request(text, endpoint);
  } catch (const llmgw::Error& e) {
    FUZZ_CHECK(e.kind() == llmgw::ErrorKind::invalid);
    return;
  }
  // Accepted only what nlohmann/json accepts, and read from it what it reads.
  FUZZ_CHECK(json::accept(text));
  const json client_body = json::parse(text);
  FUZZ_CHECK(depth(client_body) <= llmgw::k_max_json_depth);
  check_fields(parsed, client_body);
  for (const Key& key : keys()) {
    Decision decision = llmgw::evaluate(key.rules, llmgw::builtin_catalog(), parsed.model);
    if (!decision.allowed()) {
      FUZZ_CHECK(decision.candidates.empty() && !decision.reason.empty());
      continue;
    }
    check_decision(parsed.model, decision, key);
    // The gateway rewrites one request in place for each candidate it tries.
    ClientRequest request = parsed;
    for (const Candidate& c : decision.candidates) {
      std::string sent = llmgw::upstream_body(request, c.mapping->upstream_model);
      FUZZ_CHECK(request.model == parsed.model);
      check_upstream_body(sent, client_body,
                          request.stream && request.endpoint == Endpoint::chat,
                          c.mapping->upstream_model);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  exercise(text, Endpoint::chat);
  exercise(text, Endpoint::embeddings);
  exercise(text, Endpoint::messages);
  return 0;
}
