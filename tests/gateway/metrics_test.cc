// GET /metrics: valid Prometheus text, requests and tokens by provider and model, upstream
// errors and fallbacks by provider (a stream cut off mid-way included), time to first
// token, build info; label values only from the catalog.
#include "tests/gateway/gateway_fixture.h"
#include "tests/support/http_chunks.h"
#include "tests/support/raw_upstream.h"

#include <doctest/doctest.h>

#include <regex>
#include <set>
#include <sstream>

using namespace test;

namespace {

// The lines of the text format that are not valid: a sample before its family's TYPE, of
// another family, malformed, or repeated.
std::vector<std::string> invalid_lines(const std::string& text) {
  static const std::regex help(R"(# HELP ([a-z_]+) .+)");
  static const std::regex type(R"(# TYPE ([a-z_]+) (counter|gauge|histogram))");
  static const std::string label = R"re([a-z_]+="([^"\\\n]|\\.)*")re";
  static const std::regex sample("([a-z_]+)(\\{" + label + "(," + label +
                                  R"re()*\})? (-?[0-9.e+]+|\+Inf))re");
  std::vector<std::string> invalid;
  std::set<std::string> families;
  std::set<std::string> series;
  std::string family;
  std::string kind;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_match(line, m, help)) {
      continue;
    }
    if (std::regex_match(line, m, type)) {
      family = m[1];
      kind = m[2];
      if (!families.insert(family).second) {
        invalid.push_back(line);  // a family given twice
      }
      continue;
    }
    const bool is_sample = std::regex_match(line, m, sample);
    std::string name = is_sample ? m[1].str() : "";
    if (kind == "histogram") {
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        if (name == family + suffix) {
          name = family;
        }
      }
    }
    if (!is_sample || name != family || !series.insert(line.substr(0, line.rfind(' '))).second) {
      invalid.push_back(line);
    }
  }
  return invalid;
}

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("metrics: requests and tokens by provider and model, upstream errors, fallbacks, "
          "time to first token and build info, in valid text") {
  GatewayUnderTest gw;
  gw.alpha.answer_json("POST", "/v1/chat/completions", 500, R"({"error":"down"})");
  gw.beta.answer_json("POST", "/v1/chat/completions", 200,
                      completion_json("beta/shared", "hi", {5, 2, 0}));
  TestKey key = gw.create_key();
  gw.start();
  CHECK(gw.chat(key, chat_request("shared")).status == 200);  // alpha fails, beta serves
  nlohmann::json stream = chat_request("echo");
  stream["stream"] = true;
  CHECK(post_stream(gw, bearer(key), stream.dump(), "/v1/chat/completions").status == 200);
  // A model no catalog knows, chosen by the client: counted, never a label value.
  CHECK(gw.chat(key, chat_request("attacker-chosen-1")).status == 400);
  CHECK(gw.chat(key, chat_request("attacker-chosen-2")).status == 400);

  auto metrics = gw.client().Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->status == 200);
  CHECK(metrics->get_header_value("Content-Type") == "text/plain; version=0.0.4");
  const std::string& text = metrics->body;
  CHECK(invalid_lines(text) == std::vector<std::string>{});
  CHECK(text.find("attacker") == std::string::npos);
  CHECK(has_line(text, R"(llmgw_requests_total{provider="beta",model="shared",status="200"} 1)"));
  CHECK(has_line(text, R"(llmgw_requests_total{provider="echo",model="echo",status="200"} 1)"));
  CHECK(has_line(text, R"(llmgw_requests_total{provider="",model="",status="400"} 2)"));
  CHECK(has_line(text, R"(llmgw_tokens_total{provider="beta",model="shared",type="prompt"} 5)"));
  CHECK(has_line(text,
                 R"(llmgw_tokens_total{provider="beta",model="shared",type="completion"} 2)"));
  CHECK(has_line(text, R"(llmgw_upstream_errors_total{provider="alpha",reason="status_5xx"} 1)"));
  CHECK(text.find(R"(llmgw_upstream_errors_total{provider="beta")") == std::string::npos);
  CHECK(has_line(text, R"(llmgw_fallbacks_total{provider="alpha"} 1)"));
  CHECK(has_line(text, R"(llmgw_fallbacks_total{provider="beta"} 0)"));
  CHECK(has_line(
      text, R"(llmgw_time_to_first_token_seconds_count{provider="echo",model="echo"} 1)"));
  CHECK(has_line(
      text, R"(llmgw_time_to_first_token_seconds_count{provider="beta",model="shared"} 0)"));
  CHECK(has_line(text, R"(llmgw_in_flight_requests 0)"));
  std::smatch build;
  const std::regex build_info(
      R"re(\nllmgw_build_info\{version="([^"]+)",sqlite="3\.\d+\.\d+"\} 1\n)re");
  CHECK(std::regex_search(text, build, build_info));
  CHECK(build[1] == LLMGW_VERSION);
}

TEST_CASE("metrics: a stream its provider cuts off after the first event counts as an "
          "upstream error of that provider") {
  RawUpstream cutting([](RawConnection& connection) {
    connection.read_request();
    connection.send(k_chunked_event_stream_head +
                    chunk(sse(content_chunk("alpha/shared", "partial"))));
  });  // the connection closes here, in the middle of the chunked body
  GatewayUnderTest gw;
  gw.alpha_base_url = cutting.base_url() + "/v1";
  TestKey key = gw.create_key();
  gw.start();
  nlohmann::json body = chat_request("shared");
  body["stream"] = true;
  std::string received = read_until_then_close(gw.port(), raw_chat_request(key, body), "[DONE]");
  CHECK(received.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 1; }));
  CHECK(gw.log_rows("provider, error_code") ==
        nlohmann::json::array({{{"provider", "alpha"}, {"error_code", "upstream_interrupted"}}}));
  auto metrics = gw.client().Get("/metrics");
  REQUIRE(metrics);
  CHECK(has_line(metrics->body, R"(llmgw_upstream_errors_total{provider="alpha",reason="reset"} 1)"));
  CHECK(has_line(metrics->body, R"(llmgw_fallbacks_total{provider="alpha"} 0)"));
}
