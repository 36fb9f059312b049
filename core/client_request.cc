#include "core/client_request.h"

#include "core/error.h"

#include <fmt/format.h>

namespace llmgw {

bool json_depth_within(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        return false;
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

std::int64_t estimate_tokens(std::size_t bytes) {
  return static_cast<std::int64_t>((bytes + 3) / 4);
}

namespace {

std::optional<std::int64_t> token_count(const nlohmann::json& body, const char* name) {
  auto found = body.find(name);
  if (found == body.end() || found->is_null()) {
    return std::nullopt;
  }
  if (!found->is_number_integer() || found->get<std::int64_t>() < 0) {
    throw_invalid(fmt::format("'{}' must be a non-negative integer", name));
  }
  return found->get<std::int64_t>();
}

// `key` with ASCII letters lowered and the two non-ASCII letters that Unicode simple case
// folding maps to ASCII ones (U+017F long s, U+212A Kelvin sign) replaced by them.
std::string folded(std::string_view key) {
  std::string out;
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (key.compare(i, 2, "\xC5\xBF") == 0) {
      out += 's';
      ++i;
    } else if (key.compare(i, 3, "\xE2\x84\xAA") == 0) {
      out += 'k';
      i += 2;
    } else {
      char c = key[i];
      out += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  return out;
}

// Go's encoding/json, which some upstreams use (Ollama), matches object keys without
// regard to case and with Unicode folding, the last match winning; llmgw matches them
// exactly. A key that only folds to a field llmgw reads ("Model", "\u017Ftream") could make
// such an upstream act on another model, stream flag or token limit than the one
// authorized and billed, so it is refused.
void refuse_folded_fields(const nlohmann::json& body) {
  static constexpr const char* k_fields[] = {"model",      "messages",   "input",
                                             "stream",     "stream_options", "max_tokens",
                                             "max_completion_tokens"};
  for (const auto& item : body.items()) {
    const std::string& key = item.key();
    std::string fold = folded(key);
    for (const char* field : k_fields) {
      if (fold == field && key != field) {
        throw_invalid(fmt::format("'{}' differs from the field '{}' only in case; use '{}'",
                                  key, field, field));
      }
    }
  }
}

}  // namespace

ClientRequest parse_client_request(std::string_view text, Endpoint endpoint) {
  if (!json_depth_within(text, k_max_json_depth)) {
    throw_invalid(fmt::format("request body nests deeper than {} levels", k_max_json_depth));
  }
  ClientRequest request;
  request.endpoint = endpoint;
  request.body = nlohmann::json::parse(text, nullptr, false);
  if (request.body.is_discarded()) {
    throw_invalid("request body is not valid JSON");
  }
  if (!request.body.is_object()) {
    throw_invalid("request body must be a JSON object");
  }
  const nlohmann::json& body = request.body;
  refuse_folded_fields(body);
  auto model = body.find("model");
  if (model == body.end() || !model->is_string() || model->get_ref<const std::string&>().empty()) {
    throw_invalid("'model' is required and must be a non-empty string");
  }
  request.model = model->get<std::string>();
  std::size_t prompt_bytes = 0;
  if (endpoint == Endpoint::chat) {
    auto messages = body.find("messages");
    if (messages == body.end() || !messages->is_array() || messages->empty()) {
      throw_invalid("'messages' is required and must be a non-empty array");
    }
    for (const auto& message : *messages) {
      if (!message.is_object()) {
        throw_invalid("each item of 'messages' must be an object");
      }
      prompt_bytes += message.dump().size();
    }
    auto stream = body.find("stream");
    if (stream != body.end() && !stream->is_null()) {
      if (!stream->is_boolean()) {
        throw_invalid("'stream' must be a boolean");
      }
      request.stream = stream->get<bool>();
    }
    auto options = body.find("stream_options");
    if (options != body.end() && !options->is_null()) {
      if (!options->is_object()) {
        throw_invalid("'stream_options' must be an object");
      }
      auto include = options->find("include_usage");
      request.include_usage = include != options->end() && include->is_boolean() && include->get<bool>();
    }
    request.max_tokens = token_count(body, "max_completion_tokens");
    if (!request.max_tokens) {
      request.max_tokens = token_count(body, "max_tokens");
    }
  } else {
    auto input = body.find("input");
    if (input == body.end() || !(input->is_string() || input->is_array())) {
      throw_invalid("'input' is required and must be a string or an array");
    }
    prompt_bytes = input->dump().size();
  }
  request.prompt_tokens_estimate = estimate_tokens(prompt_bytes);
  return request;
}

std::string upstream_body(ClientRequest& request, std::string_view upstream_model) {
  nlohmann::json& body = request.body;
  body["model"] = upstream_model;
  if (request.stream) {
    body["stream_options"]["include_usage"] = true;
  }
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace llmgw
