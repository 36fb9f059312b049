#include "tests/gateway/raw_exchange.h"

#include "tests/support/raw_client.h"

#include <doctest/doctest.h>

namespace test {

const std::string k_chat = "/v1/chat/completions";

Reply reply_in(const std::string& bytes) {
  std::size_t head_end = bytes.find("\r\n\r\n");
  if (head_end == std::string::npos) {
    return {status_of(bytes), "<no response: " + bytes.substr(0, 200) + ">"};
  }
  std::string body = bytes.substr(head_end + 4);
  nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
  return {status_of(bytes), json.is_discarded() ? nlohmann::json("<not JSON: " + body + ">") : json};
}

std::string head(const std::string& method, const std::string& target, const std::string& headers) {
  return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n";
}

std::string expecting_chat_head(const TestKey& key, std::size_t length) {
  return head("POST", k_chat,
              "Authorization: Bearer " + key.secret + "\r\nExpect: 100-continue\r\n" +
                  "Content-Length: " + std::to_string(length) + "\r\n");
}

void check_one_answer_then_closed(GatewayUnderTest& gw, const std::string& request,
                                  const Reply& expected) {
  RawClient client(gw.port());
  REQUIRE(client.connected());
  client.send(request);
  RawReading reading = client.read_until_closed(std::chrono::seconds(5));
  CHECK(reply_in(reading.bytes) == expected);
  CHECK(response_count(reading.bytes) == 1);
  CHECK(header_of(reading.bytes, "Connection") == "close");
  CHECK(reading.closed);
}

}  // namespace test
