#include "tests/gateway/billed_parts.h"

#include <string>

namespace test {

std::int64_t member_bytes(nlohmann::json body) {
  for (const char* member : {"model", "stream", "stream_options"}) {
    body.erase(member);
  }
  return static_cast<std::int64_t>(body.dump().size()) - 1;  // "{" + members joined + "}"
}

nlohmann::json tools_of(std::size_t bytes) {
  nlohmann::json tools = nlohmann::json::array();
  while (tools.dump().size() < bytes) {
    tools.push_back({{"type", "function"},
                     {"function",
                      {{"name", "tool_" + std::to_string(tools.size())},
                       {"description", std::string(200, 'd')},
                       {"parameters", {{"type", "object"}}}}}});
  }
  return tools;
}

nlohmann::json message_with_images(int images) {
  nlohmann::json content = {{{"type", "text"}, {"text", "what are these?"}}};
  for (int i = 0; i < images; ++i) {
    content.push_back({{"type", "image_url"},
                       {"image_url", {{"url", "https://example.com/" + std::to_string(i) + ".png"},
                                      {"detail", "high"}}}});
  }
  return {{"role", "user"}, {"content", content}};
}

}  // namespace test
