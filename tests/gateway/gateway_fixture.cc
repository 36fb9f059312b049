#include "tests/gateway/gateway_fixture.h"

#include "core/wire/client_request.h"
#include "core/price.h"
#include "tests/support/cli_outcome.h"
#include "tests/support/process.h"
#include "tests/support/secret_fragments.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace test {

const TestPrices k_alpha_shared{1'000'000, 2'000'000, 500'000};
const TestPrices k_beta_shared{3'000'000, 4'000'000, 3'000'000};
const TestPrices k_premium{10'000'000, 30'000'000, 5'000'000};
const char* const k_alpha_credential = "canary-alpha-credential";
const char* const k_beta_credential = "canary-beta-credential";
const char* const k_sse_done = "data: [DONE]\n\n";

namespace {

constexpr TestPrices k_free{0, 0, 0};

nlohmann::json mapping(const char* provider, const char* upstream_model, const TestPrices& p) {
  auto usd_per_million = [](std::int64_t per_token) {
    return llmgw::Price::from_per_token(per_token).to_string();
  };
  return {{"provider", provider},
          {"upstream_model", upstream_model},
          {"input_price", usd_per_million(p.input)},
          {"output_price", usd_per_million(p.output)},
          {"cached_input_price", usd_per_million(p.cached_input)},
          {"context_size", 8192},
          {"max_output_tokens", 1000},
          {"streaming", true}};
}

// `responses`: it serves the Responses API too.
nlohmann::json provider(const char* id, const std::string& base_url, const char* key_env,
                        const std::string& kind = "openai", bool responses = false) {
  return {{"id", id},          {"name", id},         {"base_url", base_url},
          {"api_key_env", key_env}, {"enabled", true}, {"kind", kind},
          {"responses", responses}};
}

nlohmann::json test_catalog(const std::string& alpha_url, const std::string& alpha_kind,
                            const std::string& beta_url) {
  return {
      {"providers",
       {provider("alpha", alpha_url, "ALPHA_KEY", alpha_kind, alpha_kind == "openai"),
        provider("beta", beta_url, "BETA_KEY"),
        provider("echo", "", "")}},
      {"models",
       {{{"id", "shared"},
         {"name", "Shared"},
         {"mappings",
          {mapping("alpha", "alpha-shared-v1", k_alpha_shared),
           mapping("beta", "beta/shared", k_beta_shared)}}},
        {{"id", "gratis"}, {"name", "Gratis"}, {"mappings", {mapping("beta", "gratis-upstream", k_free)}}},
        {{"id", "premium"},
         {"name", "Premium"},
         {"mappings", {mapping("alpha", "premium-upstream", k_premium)}}},
        {{"id", "echo"}, {"name", "Echo"}, {"mappings", {mapping("echo", "echo", k_free)}}}}}};
}

// A read-only connection beside the daemon's, waiting out its commits.
SQLite::Database open_database(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  db.setBusyTimeout(5000);
  return db;
}

nlohmann::json usage_json(const TokenCounts& usage) {
  return {{"prompt_tokens", usage.prompt},
          {"completion_tokens", usage.completion},
          {"total_tokens", usage.prompt + usage.completion},
          {"prompt_tokens_details", {{"cached_tokens", usage.cached}}}};
}

}  // namespace

std::int64_t cost_of(const TestPrices& prices, const TokenCounts& tokens) {
  return (tokens.prompt - tokens.cached) * prices.input + tokens.cached * prices.cached_input +
         tokens.completion * prices.output;
}

std::int64_t cost_bound_of(const TestPrices& prices, const nlohmann::json& body,
                           std::int64_t max_output) {
  const std::int64_t prompt =
      llmgw::parse_client_request(body.dump(), llmgw::Endpoint::chat).prompt_tokens_estimate;
  const std::int64_t output = body.value("max_tokens", max_output);
  return prompt * std::max(prices.input, prices.cached_input) + output * prices.output;
}

std::string completion_json(const std::string& model, const std::string& content,
                            const TokenCounts& usage) {
  nlohmann::json message = {{"role", "assistant"}, {"content", content}};
  return nlohmann::json{{"id", "chatcmpl-upstream"},
                        {"object", "chat.completion"},
                        {"created", 1700000000},
                        {"model", model},
                        {"choices", {{{"index", 0}, {"message", message}, {"finish_reason", "stop"}}}},
                        {"usage", usage_json(usage)}}
      .dump();
}

std::string sse(const nlohmann::json& chunk) {
  return "data: " + chunk.dump() + "\n\n";
}

std::string named_sse(const std::string& type, const nlohmann::json& data) {
  return "event: " + type + "\n" + sse(data);
}

void answer_messages(MockUpstream& upstream, std::string whole, std::string events) {
  upstream.handle("POST", "/v1/messages",
                  [whole = std::move(whole), events = std::move(events)](
                      const httplib::Request& request, httplib::Response& response) {
                    if (request.body.find(R"("stream":true)") == std::string::npos) {
                      response.set_content(whole, "application/json");
                    } else {
                      response.set_content(events, "text/event-stream");
                    }
                  });
}

nlohmann::json content_chunk(const std::string& model, const std::string& text) {
  return {{"id", "chatcmpl-upstream"},
          {"object", "chat.completion.chunk"},
          {"model", model},
          {"choices", {{{"index", 0}, {"delta", {{"content", text}}}, {"finish_reason", nullptr}}}}};
}

nlohmann::json usage_chunk(const std::string& model, const TokenCounts& usage) {
  return {{"id", "chatcmpl-upstream"},
          {"object", "chat.completion.chunk"},
          {"model", model},
          {"choices", nlohmann::json::array()},
          {"usage", usage_json(usage)}};
}

nlohmann::json chat_request(const std::string& model, const std::string& text) {
  return {{"model", model}, {"messages", {{{"role", "user"}, {"content", text}}}}};
}

httplib::Headers bearer(const TestKey& key) {
  return {{"Authorization", "Bearer " + key.secret}};
}

std::ostream& operator<<(std::ostream& out, const Reply& reply) {
  return out << "{status " << reply.status << ", body " << mask_secrets(reply.body.dump()) << "}";
}

Reply reply_of(const httplib::Result& result) {
  if (!result) {
    return {-1, "<no answer: " + httplib::to_string(result.error()) + ">"};
  }
  nlohmann::json body = nlohmann::json::parse(result->body, nullptr, false);
  return {result->status, body.is_discarded() ? nlohmann::json("<not JSON: " + result->body + ">")
                                              : body};
}

Reply reference_error(int status, const std::string& code, const std::string& message,
                      const nlohmann::json& extra) {
  nlohmann::json body = {{"error", true}, {"status", status}, {"message", message}, {"code", code}};
  body.update(extra);
  return {status, body};
}

Reply openai_error(int status, const std::string& message, const std::string& type,
                   const std::string& code) {
  return {status,
          {{"error", {{"message", message}, {"type", type}, {"code", code}, {"param", nullptr}}}}};
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

GatewayUnderTest::GatewayUnderTest() : m_db(m_dir.file("llmgw.db")) {
  cli({"init"});
  // Keys with rules are made before start(), and rules name catalog models: the catalog
  // is there from the start, its base URLs set once the mocks listen.
  import_catalog("http://127.0.0.1:9/v1", "http://127.0.0.1:9/v1");
}

void GatewayUnderTest::import_catalog(const std::string& alpha_url, const std::string& beta_url) {
  std::string path = m_dir.file("catalog.json");
  write_file(path, test_catalog(alpha_url, alpha_kind, beta_url).dump());
  cli({"catalog", "import", "--replace", "--yes", path});
}

std::string joined(const std::vector<std::string>& pieces) {
  std::string all;
  for (const auto& piece : pieces) {
    all += piece;
  }
  return all;
}

GatewayUnderTest::~GatewayUnderTest() {
  stop_and_check_daemon_output();
}

void GatewayUnderTest::stop_and_check_daemon_output() {
  if (!m_daemon) {
    return;
  }
  if (m_daemon->stop(SIGTERM) < 0) {
    m_daemon->stop(SIGKILL);
  }
  const std::string output = m_daemon->stdout_text() + m_daemon->stderr_text();
  for (const std::string& secret : m_key_secrets) {
    CHECK_MESSAGE(!holds_fragment(output, gateway_key_secret_part(secret)),
                  "a gateway key's fragment is in the daemon's output");
  }
  for (const std::string& credential : {alpha_credential, beta_credential}) {
    CHECK_MESSAGE(!holds_fragment(output, credential),
                  "a provider credential's fragment is in the daemon's output");
  }
}

std::string GatewayUnderTest::cli(const std::vector<std::string>& args) {
  Result result = llmgw(m_db, args);
  INFO("llmgw stderr: ", mask_secrets(result.err));
  REQUIRE(result.exit_code == 0);
  return result.out;
}

void GatewayUnderTest::start(const std::vector<std::string>& serve_args) {
  alpha.start();
  beta.start();
  // An OpenAI-kind API is under /v1; an Anthropic-kind base URL comes before /v1/messages.
  const std::string alpha_default = alpha.base_url() + (alpha_kind == "anthropic" ? "" : "/v1");
  import_catalog(alpha_base_url.empty() ? alpha_default : alpha_base_url,
                 beta_base_url.empty() ? beta.base_url() + "/v1" : beta_base_url);
  restart(serve_args);
}

void GatewayUnderTest::restart(const std::vector<std::string>& serve_args) {
  stop_and_check_daemon_output();
  std::map<std::string, std::string> env = environment;
  env["ALPHA_KEY"] = alpha_credential;
  env["BETA_KEY"] = beta_credential;
  m_daemon = std::make_unique<DaemonProcess>(m_db, serve_args, env);
}

TestKey GatewayUnderTest::create_key(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"-d", "gateway test"};
  argv.insert(argv.end(), args.begin(), args.end());
  nlohmann::json key = test::create_key(m_db, argv);
  REQUIRE(key.is_object());
  m_key_secrets.push_back(key["secret"].get<std::string>());
  return {key["id"].get<std::string>(), key["secret"].get<std::string>()};
}

httplib::Client GatewayUnderTest::client() const {
  httplib::Client client("127.0.0.1", port());
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(10, 0);
  client.set_write_timeout(5, 0);
  return client;
}

Reply GatewayUnderTest::chat(const TestKey& key, const nlohmann::json& body,
                             httplib::Headers headers) {
  headers.merge(bearer(key));
  return post("/v1/chat/completions", body.dump(), headers);
}

Reply GatewayUnderTest::post(const std::string& path, const std::string& body,
                             const httplib::Headers& headers) {
  return reply_of(client().Post(path.c_str(), headers, body, "application/json"));
}

Reply GatewayUnderTest::get(const std::string& path, const httplib::Headers& headers) {
  return reply_of(client().Get(path.c_str(), headers));
}

httplib::Result GatewayUnderTest::stream_chat(const TestKey& key, const nlohmann::json& body,
                                              std::function<bool(const char*, std::size_t)> receive) {
  httplib::Request request;
  request.method = "POST";
  request.path = "/v1/chat/completions";
  request.headers = bearer(key);
  request.set_header("Content-Type", "application/json");
  request.body = body.dump();
  request.content_receiver = [receive](const char* data, std::size_t size, std::uint64_t,
                                       std::uint64_t) { return receive(data, size); };
  return client().send(request);
}

nlohmann::json GatewayUnderTest::log_rows(const std::string& columns) const {
  SQLite::Database db = open_database(m_db);
  SQLite::Statement select(db, "SELECT " + columns + " FROM request_log ORDER BY id");
  nlohmann::json rows = nlohmann::json::array();
  while (select.executeStep()) {
    nlohmann::json row = nlohmann::json::object();
    for (int i = 0; i < select.getColumnCount(); ++i) {
      auto column = select.getColumn(i);
      if (column.isInteger()) {
        row[column.getName()] = column.getInt64();
      } else if (column.isNull()) {
        row[column.getName()] = nullptr;
      } else {
        row[column.getName()] = column.getString();
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::int64_t GatewayUnderTest::query_int(const std::string& sql) const {
  SQLite::Database db = open_database(m_db);
  return db.execAndGet(sql).getInt64();
}

std::int64_t GatewayUnderTest::usage_of(const std::string& key_id) const {
  SQLite::Database db = open_database(m_db);
  SQLite::Statement select(db, "SELECT usage FROM api_keys WHERE id = ?");
  select.bind(1, key_id);
  REQUIRE(select.executeStep());
  return select.getColumn(0).getInt64();
}

std::string raw_post(const TestKey& key, const std::string& path, const std::string& text) {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
         "Authorization: Bearer " + key.secret + "\r\n"
         "Content-Type: application/json\r\nContent-Length: " + std::to_string(text.size()) +
         "\r\n\r\n" + text;
}

std::string raw_chat_request(const TestKey& key, const nlohmann::json& body) {
  return raw_post(key, "/v1/chat/completions", body.dump());
}

std::string read_until_then_close(int port, const std::string& request, const std::string& marker) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string received;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size())) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (received.find(marker) == std::string::npos &&
           std::chrono::steady_clock::now() < deadline) {
      pollfd readable = {fd, POLLIN, 0};
      if (::poll(&readable, 1, 100) <= 0) {
        continue;
      }
      char buffer[4096];
      ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) {
        break;
      }
      received.append(buffer, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return received;
}

Streamed post_stream(GatewayUnderTest& gw, const httplib::Headers& headers,
                     const std::string& body, const std::string& path,
                     const std::string& end_marker) {
  Streamed out;
  httplib::Request request;
  request.method = "POST";
  request.path = path;
  request.headers = headers;
  request.body = body;
  request.content_receiver = [&](const char* data, std::size_t size, std::uint64_t,
                                 std::uint64_t) {
    out.received.append(data, size);
    if (!end_marker.empty() && out.rows_at_end < 0 &&
        out.received.find(end_marker) != std::string::npos) {
      out.rows_at_end = gw.query_int("SELECT count(*) FROM request_log");
    }
    return true;
  };
  if (auto result = gw.client().send(request)) {
    out.status = result->status;
    out.content_type = result->get_header_value("Content-Type");
  }
  return out;
}

}  // namespace test
