#include "core/wire/prompt_bound.h"

#include "core/key_fold.h"
#include "core/logged_string.h"

#include <fmt/format.h>

namespace llmgw {

namespace {

constexpr const char* k_limited_parts =
    "whose cost llmgw cannot bound: a key with a spending limit may send only text, image, "
    "audio, tool call, tool result and thinking parts";
constexpr const char* k_ambiguous =
    "whose cost llmgw cannot bound: a provider may read another member than llmgw does";

bool is_image(std::string_view type) {
  return type == "image_url" || type == "image" || type == "input_image";
}

// Parts whose bytes as written bound their tokens: text (a Responses message's input_text
// and output_text too), and Anthropic's blocks of a
// conversation (a tool call's input, a tool result, thinking as text or encrypted). A tool
// result's content array is counted part by part besides.
bool is_byte_bounded(std::string_view type) {
  return type == "text" || type == "input_text" || type == "output_text" || type == "refusal" ||
         type == "tool_use" ||
         type == "tool_result" || type == "thinking" || type == "redacted_thinking";
}

// The string `name` of `members` holds, or nullopt.
std::optional<std::string> string_member(const std::vector<JsonMember>& members,
                                         std::string_view name) {
  const JsonMember* found = find_member(members, name);
  if (found == nullptr || found->value.kind != JsonKind::string) {
    return std::nullopt;
  }
  return json_string_value(found->value.text);
}

// What makes an object of a message ambiguous, when something does: a key written twice (a
// provider may read the first where llmgw reads the last) or one that a case-blind
// provider may take for another (core/key_fold.h).
std::optional<std::string> ambiguous_keys(const std::vector<JsonMember>& written) {
  if (std::optional<std::string> key = repeated_key(written)) {
    return fmt::format("has the key '{}' more than once", logged_string(*key));
  }
  for (const JsonMember& m : written) {
    if (m.key.find('\0') != std::string::npos) {
      return std::string("has a key with the character U+0000, where a reader of C strings "
                         "ends it");
    }
    std::string fold = folded_key(m.key);
    if (fold != m.key) {
      return fmt::format("has the key '{}', which a case-blind reader takes for '{}'",
                         logged_string(m.key), logged_string(fold));
    }
  }
  return std::nullopt;
}

// Whether an input_audio part carries its audio inline, as a `data` string.
bool has_inline_audio(const std::vector<JsonMember>& part) {
  const JsonMember* audio = find_member(part, "input_audio");
  if (audio == nullptr || audio->value.kind != JsonKind::object) {
    return false;
  }
  const std::vector<JsonMember> fields = json_members(audio->value);
  return !ambiguous_keys(fields) && string_member(fields, "data").has_value();
}

// Adds the image parts of a content array to `bound`, and says why a part cannot be
// bounded unless an earlier one said so. `where` names the array ("messages[2].content").
// A tool result's own content array (Anthropic's tool_result) is counted the same way.
void count_content(const JsonSlice& content, const std::string& where, PromptBound& bound) {
  std::size_t part_index = 0;
  for (const JsonSlice& part : json_elements(content)) {
    const std::size_t at = part_index++;
    std::optional<std::string> type;
    std::vector<JsonMember> part_fields;
    std::optional<std::string> part_ambiguous;
    if (part.kind == JsonKind::object) {
      part_fields = json_members(part);
      part_ambiguous = ambiguous_keys(part_fields);
      part_fields = last_of_each_key(std::move(part_fields));
      type = string_member(part_fields, "type");
    }
    if (type && is_image(*type)) {
      bound.tokens += k_image_part_tokens;
    }
    if (type && *type == "tool_result") {
      const JsonMember* inner = find_member(part_fields, "content");
      if (inner != nullptr && inner->value.kind == JsonKind::array) {
        count_content(inner->value, fmt::format("{}[{}].content", where, at), bound);
      }
    }
    if (bound.unbounded) {
      continue;
    }
    if (part_ambiguous) {
      bound.unbounded = fmt::format("{}[{}] {}, {}", where, at, *part_ambiguous, k_ambiguous);
    } else if (type && (is_image(*type) || is_byte_bounded(*type))) {
      continue;
    } else if (!type) {
      bound.unbounded = fmt::format("{}[{}] has no 'type', {}", where, at, k_limited_parts);
    } else if (*type == "input_audio" && !has_inline_audio(part_fields)) {
      bound.unbounded = fmt::format("{}[{}] is audio without inline 'data', {}", where, at,
                                    k_limited_parts);
    } else if (*type != "input_audio") {
      bound.unbounded = fmt::format("{}[{}] has type '{}', {}", where, at,
                                    logged_string(*type), k_limited_parts);
    }
  }
}

// Adds the image parts of one message's content to `bound`, and says why a part cannot
// be bounded unless an earlier one said so.
// `where` names the message ("messages[2]").
void count_parts(const JsonSlice& message, const std::string& where, PromptBound& bound) {
  const std::vector<JsonMember> written = json_members(message);
  const std::optional<std::string> ambiguous = ambiguous_keys(written);
  if (ambiguous && !bound.unbounded) {
    bound.unbounded = fmt::format("{} {}, {}", where, *ambiguous, k_ambiguous);
  }
  const auto fields = last_of_each_key(written);
  const JsonMember* content = find_member(fields, "content");
  if (content == nullptr || content->value.kind != JsonKind::array) {
    return;  // a string, or nothing: its bytes are all of it
  }
  count_content(content->value, where + ".content", bound);
}

// Items of a Responses `input` whose bytes as written bound their tokens, besides
// messages: function and custom tool calls, their outputs, and reasoning (its summary, or
// encrypted).
bool is_byte_bounded_item(std::string_view type) {
  return type == "function_call" || type == "function_call_output" ||
         type == "custom_tool_call" || type == "custom_tool_call_output" || type == "reasoning";
}

// An item of a Responses `input`: a message (with or without its type) counted as a chat
// message is, an item whose bytes bound it (a tool output's content parts counted too), or
// one that refers to what llmgw cannot see (item_reference) or that a provider's own tool
// made.
void count_item(const JsonSlice& item, std::size_t index, PromptBound& bound) {
  const std::string where = fmt::format("input[{}]", index);
  const auto fields = last_of_each_key(json_members(item));
  const std::optional<std::string> type = string_member(fields, "type");
  if (!type || *type == "message") {
    count_parts(item, where, bound);
    return;
  }
  if (!is_byte_bounded_item(*type)) {
    if (!bound.unbounded) {
      bound.unbounded = fmt::format(
          "{} has type '{}', whose cost llmgw cannot bound: a key with a spending limit may "
          "send only messages, function and custom tool calls, their outputs, and reasoning",
          where, logged_string(*type));
    }
    return;
  }
  const std::vector<JsonMember> written = json_members(item);
  if (auto ambiguous = ambiguous_keys(written); ambiguous && !bound.unbounded) {
    bound.unbounded = fmt::format("{} {}, {}", where, *ambiguous, k_ambiguous);
  }
  const JsonMember* output = find_member(fields, "output");
  if (output != nullptr && output->value.kind == JsonKind::array) {
    count_content(output->value, where + ".output", bound);
  }
}

bool asks_for_audio(const JsonSlice& modalities) {
  if (modalities.kind != JsonKind::array) {
    return false;
  }
  for (const JsonSlice& modality : json_elements(modalities)) {
    if (modality.kind == JsonKind::string && json_string_value(modality.text) == "audio") {
      return true;
    }
  }
  return false;
}

bool is_empty_container(const JsonSlice& value) {
  // A validated `[ ]` or `{ }`: nothing but blanks between the brackets.
  return value.text.find_first_not_of(" \t\r\n", 1) == value.text.size() - 1;
}

}  // namespace

PromptBound prompt_bound(const std::vector<JsonMember>& members) {
  PromptBound bound;
  for (const JsonMember& m : members) {
    if (m.key == "model" || m.key == "stream" || m.key == "stream_options") {
      continue;
    }
    bound.tokens += static_cast<std::int64_t>(m.key_text.size() + m.value.text.size() + 2);
    if ((m.key == "tools" || m.key == "functions") &&
        (m.value.kind == JsonKind::array || m.value.kind == JsonKind::object) &&
        !is_empty_container(m.value)) {
      bound.tokens += k_tool_use_tokens;
    }
    if (m.key == "modalities" && asks_for_audio(m.value) && !bound.unbounded) {
      bound.unbounded =
          "'modalities' asks for audio output, whose cost llmgw cannot bound: a key with a "
          "spending limit may ask for text only";
    }
    if (m.key == "messages" && m.value.kind == JsonKind::array) {
      std::size_t index = 0;
      for (const JsonSlice& message : json_elements(m.value)) {
        if (message.kind == JsonKind::object) {
          count_parts(message, fmt::format("messages[{}]", index), bound);
        }
        ++index;
      }
    }
    if (m.key == "input" && m.value.kind == JsonKind::array) {
      std::size_t index = 0;
      for (const JsonSlice& item : json_elements(m.value)) {
        if (item.kind == JsonKind::object) {
          count_item(item, index, bound);
        }
        ++index;
      }
    }
  }
  return bound;
}

}  // namespace llmgw
