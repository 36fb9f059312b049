#include "core/wire/echo_provider.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>

namespace llmgw {

namespace {

// The text of a message's content: a string, or the text parts of an array.
std::string content_text(const nlohmann::json& content) {
  if (content.is_string()) {
    return content.get<std::string>();
  }
  std::string text;
  if (content.is_array()) {
    for (const auto& part : content) {
      auto found = part.is_object() ? part.find("text") : part.end();
      if (part.is_object() && found != part.end() && found->is_string()) {
        text += found->get<std::string>();
      }
    }
  }
  return text;
}

std::string last_user_text(const nlohmann::json& messages) {
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    auto role = it->find("role");
    auto content = it->find("content");
    if (role != it->end() && *role == "user" && content != it->end()) {
      return content_text(*content);
    }
  }
  return "";
}

// Pieces of about one word each, spaces kept, so a stream shows several chunks.
std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> pieces;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t space = text.find(' ', start + 1);
    std::size_t end = space == std::string::npos ? text.size() : space;
    pieces.push_back(text.substr(start, end - start));
    start = end;
  }
  return pieces;
}

nlohmann::ordered_json usage_json(std::int64_t prompt, std::int64_t completion) {
  return {{"prompt_tokens", prompt},
          {"completion_tokens", completion},
          {"total_tokens", prompt + completion}};
}

std::string event(const nlohmann::ordered_json& data) {
  return "data: " + data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
}

// What the echo model reports as prompt tokens: one per 4 bytes of the messages (or the
// input) as written.
std::int64_t echo_prompt_tokens(const ClientRequest& request) {
  if (request.endpoint == Endpoint::embeddings || request.endpoint == Endpoint::responses) {
    return estimate_tokens(member(request, "input")->text.size());
  }
  std::size_t bytes = 0;
  for (const JsonSlice& message : json_elements(*member(request, "messages"))) {
    bytes += message.text.size();
  }
  return estimate_tokens(bytes);
}

EchoAnswer embeddings_answer(const ClientRequest& request, std::int64_t created) {
  // A fixed-size vector derived from the input's bytes: deterministic, not meaningful.
  std::string input = nlohmann::json::parse(member(request, "input")->text).dump();
  std::array<double, 8> vector{};
  for (std::size_t i = 0; i < input.size(); ++i) {
    vector[i % vector.size()] += static_cast<unsigned char>(input[i]) / 255.0;
  }
  EchoAnswer answer;
  answer.prompt_tokens = echo_prompt_tokens(request);
  nlohmann::ordered_json body = {
      {"object", "list"},
      {"data", {{{"object", "embedding"}, {"index", 0}, {"embedding", vector}}}},
      {"model", request.model},
      {"created", created},
      {"usage", {{"prompt_tokens", answer.prompt_tokens}, {"total_tokens", answer.prompt_tokens}}}};
  answer.body = body.dump();
  return answer;
}

// An Anthropic Messages answer saying `text`: one text block, then its events when
// streaming (message_start, the block's start, a delta per word, its stop, message_delta
// with the usage, message_stop).
void messages_answer(const ClientRequest& request, const std::string& id,
                     const std::string& text, EchoAnswer& answer) {
  auto usage = [&](std::int64_t output) {
    return nlohmann::ordered_json{{"input_tokens", answer.prompt_tokens},
                                  {"output_tokens", output}};
  };
  nlohmann::ordered_json message = {{"id", id},
                                    {"type", "message"},
                                    {"role", "assistant"},
                                    {"model", request.model},
                                    {"content", {{{"type", "text"}, {"text", text}}}},
                                    {"stop_reason", "end_turn"},
                                    {"stop_sequence", nullptr},
                                    {"usage", usage(answer.completion_tokens)}};
  if (!request.stream) {
    answer.body = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  auto named = [](const char* type, const nlohmann::ordered_json& data) {
    return fmt::format("event: {}\n{}", type, event(data));
  };
  message["content"] = nlohmann::ordered_json::array();
  message["stop_reason"] = nullptr;
  message["usage"] = usage(0);
  answer.events.push_back(named("message_start", {{"type", "message_start"}, {"message", message}}));
  answer.events.push_back(named("content_block_start",
                                {{"type", "content_block_start"},
                                 {"index", 0},
                                 {"content_block", {{"type", "text"}, {"text", ""}}}}));
  for (const std::string& piece : words(text)) {
    answer.events.push_back(named("content_block_delta",
                                  {{"type", "content_block_delta"},
                                   {"index", 0},
                                   {"delta", {{"type", "text_delta"}, {"text", piece}}}}));
  }
  answer.events.push_back(named("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}}));
  answer.events.push_back(
      named("message_delta", {{"type", "message_delta"},
                              {"delta", {{"stop_reason", "end_turn"}, {"stop_sequence", nullptr}}},
                              {"usage", {{"output_tokens", answer.completion_tokens}}}}));
  answer.events.push_back(named("message_stop", {{"type", "message_stop"}}));
}

// The text of the last user message of a Responses `input`: the input itself when it is a
// string.
std::string last_input_text(const nlohmann::json& input) {
  return input.is_string() ? input.get<std::string>() : last_user_text(input);
}

// An OpenAI Responses answer saying `text`: one message item with one output_text part,
// then, when streaming, the events that build it (created, in progress, the item and its
// part added, a text delta per word, their ends, completed with the usage), each named
// and numbered as OpenAI sends them.
void responses_answer(const ClientRequest& request, const std::string& id, std::int64_t created,
                      const std::string& text, EchoAnswer& answer) {
  const std::string item_id = "msg_" + id.substr(id.find('_') + 1);
  const nlohmann::ordered_json part = {
      {"type", "output_text"}, {"text", text}, {"annotations", nlohmann::ordered_json::array()}};
  const nlohmann::ordered_json item = {{"id", item_id},
                                       {"type", "message"},
                                       {"status", "completed"},
                                       {"role", "assistant"},
                                       {"content", {part}}};
  nlohmann::ordered_json response = {
      {"id", id},
      {"object", "response"},
      {"created_at", created},
      {"status", "completed"},
      {"model", request.model},
      {"output", {item}},
      {"usage",
       {{"input_tokens", answer.prompt_tokens},
        {"input_tokens_details", {{"cached_tokens", 0}}},
        {"output_tokens", answer.completion_tokens},
        {"output_tokens_details", {{"reasoning_tokens", 0}}},
        {"total_tokens", answer.prompt_tokens + answer.completion_tokens}}}};
  if (!request.stream) {
    answer.body = response.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  int sequence = 0;
  auto named = [&](const char* type, nlohmann::ordered_json data) {
    nlohmann::ordered_json out = {{"type", type}, {"sequence_number", sequence++}};
    out.update(data);
    return fmt::format("event: {}\n{}", type, event(out));
  };
  nlohmann::ordered_json started = response;
  started["status"] = "in_progress";
  started["output"] = nlohmann::ordered_json::array();
  started["usage"] = nullptr;
  answer.events.push_back(named("response.created", {{"response", started}}));
  answer.events.push_back(named("response.in_progress", {{"response", started}}));
  nlohmann::ordered_json open_item = item;
  open_item["status"] = "in_progress";
  open_item["content"] = nlohmann::ordered_json::array();
  const nlohmann::ordered_json at = {{"item_id", item_id}, {"output_index", 0}, {"content_index", 0}};
  answer.events.push_back(
      named("response.output_item.added", {{"output_index", 0}, {"item", open_item}}));
  nlohmann::ordered_json empty_part = part;
  empty_part["text"] = "";
  nlohmann::ordered_json added = at;
  added["part"] = empty_part;
  answer.events.push_back(named("response.content_part.added", added));
  for (const std::string& piece : words(text)) {
    nlohmann::ordered_json delta = at;
    delta["delta"] = piece;
    answer.events.push_back(named("response.output_text.delta", delta));
  }
  nlohmann::ordered_json text_done = at;
  text_done["text"] = text;
  answer.events.push_back(named("response.output_text.done", text_done));
  nlohmann::ordered_json part_done = at;
  part_done["part"] = part;
  answer.events.push_back(named("response.content_part.done", part_done));
  answer.events.push_back(named("response.output_item.done", {{"output_index", 0}, {"item", item}}));
  answer.events.push_back(named("response.completed", {{"response", response}}));
}

}  // namespace

EchoAnswer echo_answer(const ClientRequest& request, const std::string& id, std::int64_t created) {
  if (request.endpoint == Endpoint::embeddings) {
    return embeddings_answer(request, created);
  }
  std::string text =
      request.endpoint == Endpoint::responses
          ? last_input_text(nlohmann::json::parse(member(request, "input")->text))
          : last_user_text(nlohmann::json::parse(member(request, "messages")->text));
  if (request.max_tokens && static_cast<std::size_t>(*request.max_tokens) * 4 < text.size()) {
    text.resize(static_cast<std::size_t>(*request.max_tokens) * 4);
  }
  EchoAnswer answer;
  answer.prompt_tokens = echo_prompt_tokens(request);
  answer.completion_tokens = estimate_tokens(text.size());
  if (request.endpoint == Endpoint::messages) {
    messages_answer(request, id, text, answer);
    return answer;
  }
  if (request.endpoint == Endpoint::responses) {
    responses_answer(request, id, created, text, answer);
    return answer;
  }
  if (!request.stream) {
    nlohmann::ordered_json body = {
        {"id", id},
        {"object", "chat.completion"},
        {"created", created},
        {"model", request.model},
        {"choices",
         {{{"index", 0},
           {"message", {{"role", "assistant"}, {"content", text}}},
           {"finish_reason", "stop"}}}},
        {"usage", usage_json(answer.prompt_tokens, answer.completion_tokens)}};
    answer.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return answer;
  }
  auto chunk = [&](nlohmann::ordered_json delta, nlohmann::json finish) {
    return nlohmann::ordered_json{{"id", id},
                                  {"object", "chat.completion.chunk"},
                                  {"created", created},
                                  {"model", request.model},
                                  {"choices",
                                   {{{"index", 0}, {"delta", std::move(delta)},
                                     {"finish_reason", std::move(finish)}}}}};
  };
  answer.events.push_back(event(chunk({{"role", "assistant"}, {"content", ""}}, nullptr)));
  for (const std::string& piece : words(text)) {
    answer.events.push_back(event(chunk({{"content", piece}}, nullptr)));
  }
  answer.events.push_back(event(chunk(nlohmann::ordered_json::object(), "stop")));
  if (request.include_usage) {
    nlohmann::ordered_json usage = {{"id", id},
                                    {"object", "chat.completion.chunk"},
                                    {"created", created},
                                    {"model", request.model},
                                    {"choices", nlohmann::ordered_json::array()},
                                    {"usage", usage_json(answer.prompt_tokens,
                                                         answer.completion_tokens)}};
    answer.events.push_back(event(usage));
  }
  answer.events.push_back("data: [DONE]\n\n");
  return answer;
}

}  // namespace llmgw
