#include "core/wire/client_request.h"

#include "core/error.h"
#include "core/key_fold.h"
#include "core/wire/prompt_bound.h"
#include "core/wire/unpriced_features.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace llmgw {

std::int64_t estimate_tokens(std::size_t bytes) {
  return static_cast<std::int64_t>((bytes + 3) / 4);
}

namespace {

bool is_null(const std::optional<JsonSlice>& value) {
  return !value || value->kind == JsonKind::null;
}

std::optional<std::int64_t> token_count(const ClientRequest& request, const char* name) {
  std::optional<JsonSlice> found = member(request, name);
  if (is_null(found)) {
    return std::nullopt;
  }
  std::optional<std::int64_t> count = json_integer(*found);
  if (!count || *count < 0) {
    throw_invalid(fmt::format("'{}' must be a non-negative integer", name));
  }
  return count;
}

// A key that only folds to a field llmgw reads ("Model", "\u017Ftream", "Tools") could make
// a case-blind upstream (core/key_fold.h) act on another model, stream flag, token limit,
// tool list or output modality than the one authorized and billed, so it is refused.
void refuse_folded_fields(const std::vector<JsonMember>& members) {
  static constexpr const char* k_fields[] = {
      "model",     "messages", "input",      "stream", "stream_options", "max_tokens",
      "max_completion_tokens", "n", "best_of", "tools", "functions", "modalities", "system",
      "mcp_servers", "container", "inference_geo", "speed", "context_management",
      "max_output_tokens", "instructions", "previous_response_id", "conversation",
      "background", "prompt"};
  for (const JsonMember& m : members) {
    const std::string& key = m.key;
    std::string fold = folded_key(key);
    for (const char* field : k_fields) {
      if (fold == field && key != field) {
        throw_invalid(fmt::format("'{}' differs from the field '{}' only in case; use '{}'",
                                  key, field, field));
      }
    }
  }
}

// A parser that keeps keys as C strings (cJSON) reads "model\u0000" as "model", and the
// first of the two it then sees may win: such keys are refused where llmgw reads fields.
void refuse_nul_in_keys(const std::vector<JsonMember>& members) {
  for (const JsonMember& m : members) {
    if (m.key.find('\0') != std::string::npos) {
      throw_invalid("object keys must not contain the character U+0000");
    }
  }
}

// The number of answers `name` asks for, when given: an integer of at least 1.
std::optional<std::int64_t> choice_count(const ClientRequest& request, const char* name) {
  std::optional<JsonSlice> found = member(request, name);
  if (is_null(found)) {
    return std::nullopt;
  }
  std::optional<std::int64_t> count = json_integer(*found);
  if (!count || *count < 1) {
    throw_invalid(fmt::format("'{}' must be an integer of at least 1", name));
  }
  return count;
}

// The items of the array `name` (messages, a Responses input): at most k_max_messages, each
// an object.
void check_object_items(const std::vector<JsonSlice>& items, const char* name) {
  if (items.size() > k_max_messages) {
    throw_invalid(fmt::format("'{}' has more than {} items", name, k_max_messages));
  }
  for (const JsonSlice& item : items) {
    if (item.kind != JsonKind::object) {
      throw_invalid(fmt::format("each item of '{}' must be an object", name));
    }
  }
}

// An item of a Responses `input` that the provider fills in from its store rather than
// from the body: an item_reference, an item with neither a type nor a role (which the
// provider reads as one), reasoning without its encrypted content. llmgw cannot tie a
// stored item to the key that stored it, nor bound what it holds: refused for every key.
void refuse_stored_items(const std::vector<JsonSlice>& items) {
  std::size_t index = 0;
  for (const JsonSlice& item : items) {
    const auto fields = last_of_each_key(json_members(item));
    auto string_field = [&fields](const char* name) {
      const JsonMember* found = find_member(fields, name);
      return found != nullptr && found->value.kind == JsonKind::string
                 ? std::optional<std::string>(json_string_value(found->value.text))
                 : std::nullopt;
    };
    const std::optional<std::string> type = string_field("type");
    const char* why = nullptr;
    if (type == "item_reference") {
      why = "is an item_reference";
    } else if (!type && !string_field("role")) {
      why = "has neither 'type' nor 'role', which the provider reads as a reference";
    } else if (type == "reasoning" && !string_field("encrypted_content")) {
      why = "is reasoning without 'encrypted_content', which the provider reads from its store";
    }
    if (why != nullptr) {
      throw_invalid(fmt::format("input[{}] {}: llmgw cannot tie a stored item to the key that "
                                "stored it; send the item itself",
                                index, why));
    }
    ++index;
  }
}

// The boolean `name`, false when absent or null.
bool boolean_field(const ClientRequest& request, const char* name) {
  std::optional<JsonSlice> found = member(request, name);
  if (is_null(found)) {
    return false;
  }
  if (found->kind != JsonKind::boolean) {
    throw_invalid(fmt::format("'{}' must be a boolean", name));
  }
  return found->text == "true";
}

void read_responses_fields(ClientRequest& request) {
  std::optional<JsonSlice> input = member(request, "input");
  if (!input || !(input->kind == JsonKind::string || input->kind == JsonKind::array)) {
    throw_invalid("'input' is required and must be a string or an array");
  }
  if (input->kind == JsonKind::array) {
    const std::vector<JsonSlice> items = json_elements(*input);
    check_object_items(items, "input");
    refuse_stored_items(items);
  }
  request.stream = boolean_field(request, "stream");
  if (boolean_field(request, "background")) {
    throw_invalid("'background' responses are not supported: llmgw bills a response when "
                  "it ends, and a background one ends out of its sight");
  }
  if (!is_null(member(request, "conversation"))) {
    throw_invalid("'conversation' is not supported: llmgw does not serve the Conversations "
                  "API that holds one; send the whole input, or continue a response with "
                  "'previous_response_id'");
  }
  std::optional<JsonSlice> instructions = member(request, "instructions");
  if (!is_null(instructions) && instructions->kind != JsonKind::string) {
    // Items there (images among them) would escape the prompt bound, which counts `input`.
    throw_invalid("'instructions' must be a string; send other items in 'input'");
  }
  std::optional<JsonSlice> previous = member(request, "previous_response_id");
  if (!is_null(previous)) {
    if (previous->kind != JsonKind::string) {
      throw_invalid("'previous_response_id' must be a string");
    }
    request.previous_response_id = json_string_value(previous->text);
  }
  request.max_tokens = token_count(request, "max_output_tokens");
}

}  // namespace

std::optional<JsonSlice> member(const ClientRequest& request, std::string_view name) {
  const JsonMember* found = find_member(request.members, name);
  return found == nullptr ? std::nullopt : std::optional<JsonSlice>(found->value);
}

ClientRequest parse_client_request(std::string_view text, Endpoint endpoint) {
  const CheckedJson checked = check_json(text, k_max_json_depth, k_max_object_members);
  if (checked.fault == JsonFault::too_deep) {
    throw_invalid(fmt::format("request body nests deeper than {} levels", k_max_json_depth));
  }
  if (checked.fault == JsonFault::too_many_members) {
    throw_invalid(fmt::format("an object in the request body has more than {} members",
                              k_max_object_members));
  }
  if (checked.fault == JsonFault::malformed) {
    throw_invalid("request body is not valid JSON");
  }
  if (checked.value.kind != JsonKind::object) {
    throw_invalid("request body must be a JSON object");
  }
  ClientRequest request;
  request.endpoint = endpoint;
  request.members = last_of_each_key(json_members(checked.value));
  refuse_nul_in_keys(request.members);
  refuse_folded_fields(request.members);
  std::optional<JsonSlice> model = member(request, "model");
  if (model && model->kind == JsonKind::string) {
    request.model = json_string_value(model->text);
  }
  if (request.model.empty()) {
    throw_invalid("'model' is required and must be a non-empty string");
  }
  if (endpoint == Endpoint::responses) {
    read_responses_fields(request);
  } else if (endpoint != Endpoint::embeddings) {
    std::optional<JsonSlice> messages = member(request, "messages");
    std::vector<JsonSlice> items;
    if (messages && messages->kind == JsonKind::array) {
      items = json_elements(*messages);
    }
    if (items.empty()) {
      throw_invalid("'messages' is required and must be a non-empty array");
    }
    check_object_items(items, "messages");
    request.stream = boolean_field(request, "stream");
  }
  if (endpoint == Endpoint::messages) {
    // Anthropic requires it, and bills no output past it: thinking is a part of it.
    std::optional<JsonSlice> max_tokens = member(request, "max_tokens");
    request.max_tokens = max_tokens ? json_integer(*max_tokens) : std::nullopt;
    if (!request.max_tokens || *request.max_tokens < 1) {
      throw_invalid("'max_tokens' is required and must be an integer of at least 1");
    }
  } else if (endpoint == Endpoint::count_tokens) {
    request.stream = false;  // counted, never answered as a stream
  } else if (endpoint == Endpoint::chat) {
    std::optional<JsonSlice> options = member(request, "stream_options");
    if (!is_null(options)) {
      if (options->kind != JsonKind::object) {
        throw_invalid("'stream_options' must be an object");
      }
      const auto option_members = last_of_each_key(json_members(*options));
      refuse_nul_in_keys(option_members);
      const JsonMember* include = find_member(option_members, "include_usage");
      request.include_usage = include != nullptr && include->value.text == "true";
    }
    // Both go upstream, and providers differ in which one they obey (SGLang takes
    // max_completion_tokens or else max_tokens, Ollama only max_tokens): both are checked,
    // and the larger one is the limit.
    const std::optional<std::int64_t> completion = token_count(request, "max_completion_tokens");
    const std::optional<std::int64_t> legacy = token_count(request, "max_tokens");
    request.max_tokens = completion && legacy ? std::max(completion, legacy)
                                              : (completion ? completion : legacy);
    // `n` answers, or `best_of` generated to return the best: each is billed.
    request.choices = std::max({std::int64_t{1}, choice_count(request, "n").value_or(1),
                                choice_count(request, "best_of").value_or(1)});
  } else if (endpoint == Endpoint::embeddings) {
    std::optional<JsonSlice> input = member(request, "input");
    if (!input || !(input->kind == JsonKind::string || input->kind == JsonKind::array)) {
      throw_invalid("'input' is required and must be a string or an array");
    }
  }
  PromptBound bound = prompt_bound(request.members);
  request.prompt_tokens_estimate = bound.tokens;
  request.unbounded = std::move(bound.unbounded);
  if (!request.unbounded && endpoint == Endpoint::messages) {
    request.unbounded = unpriced_feature(request.members);
  }
  if (!request.unbounded && endpoint == Endpoint::responses) {
    request.unbounded = unpriced_response_feature(request.members);
  }
  return request;
}

namespace {

// A JSON string holding `text`, as nlohmann/json writes one (invalid UTF-8 replaced).
std::string string_literal(std::string_view text) {
  // Model names are printable ASCII, which needs no escape: quoted as they are, in one
  // allocation. Anything else is escaped by nlohmann::json (bytes that are not UTF-8
  // replaced).
  if (std::all_of(text.begin(), text.end(),
                  [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; })) {
    std::string quoted;
    quoted.reserve(text.size() + 2);
    return quoted.append(1, '"').append(text).append(1, '"');
  }
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void append_member(std::string& out, std::string_view key_text, std::string_view value) {
  if (out.size() > 1) {
    out += ',';
  }
  out.append(key_text).append(":").append(value);
}

// stream_options with include_usage on: the client's options (the last of each key), or
// none when it sent null or nothing.
std::string with_usage_included(const std::optional<JsonSlice>& options) {
  std::string out = "{";
  if (!is_null(options)) {
    for (const JsonMember& m : last_of_each_key(json_members(*options))) {
      if (m.key != "include_usage") {
        append_member(out, m.key_text, m.value.text);
      }
    }
  }
  append_member(out, "\"include_usage\"", "true");
  out += '}';
  return out;
}

}  // namespace

std::string upstream_body(const ClientRequest& request, std::string_view upstream_model) {
  std::string out = "{";
  std::size_t size = 2 + upstream_model.size();
  for (const JsonMember& m : request.members) {
    size += m.key_text.size() + m.value.text.size() + 2;
  }
  out.reserve(size + 64);
  bool options_sent = false;
  for (const JsonMember& m : request.members) {
    if (m.key == "model") {
      append_member(out, m.key_text, string_literal(upstream_model));
    } else if (request.stream && request.endpoint == Endpoint::chat && m.key == "stream_options") {
      append_member(out, m.key_text, with_usage_included(m.value));
      options_sent = true;
    } else {
      append_member(out, m.key_text, m.value.text);
    }
  }
  if (request.stream && request.endpoint == Endpoint::chat && !options_sent) {
    append_member(out, "\"stream_options\"", with_usage_included(std::nullopt));
  }
  out += '}';
  return out;
}

}  // namespace llmgw
