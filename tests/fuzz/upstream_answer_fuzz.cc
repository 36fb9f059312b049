// Fuzz target: a provider's answer, any bytes at all, met by the gateway. One daemon's
// Gateway (daemon/gateway.h) runs in this process on a database in a temporary folder; its
// one provider listens on 127.0.0.1 in a thread of this process and answers every request
// with the input's bytes (status line, headers, body or events, usage objects), then
// closes. Each input is one chat, Messages or Responses request of a limited key, streamed
// or not, to an OpenAI-kind or an Anthropic-kind provider (passed through, or translated),
// whose
// answer the target reads as a client would, to its end. Aborts (besides any sanitizer report or
// crash of the gateway) when
// - the client's status is not one the gateway may give for a provider's answer (200, 429,
//   a 4xx the provider gave, 502, 504);
// - the provider's credential, or 12 consecutive characters of it, reaches the client;
// - after the request, anything stays reserved for the key, or the key's usage is not the
//   exact sum of its logged costs, or any logged cost is negative or not an integer.
//
// Input layout: the first byte's lowest bit asks for a stream, the next one sends a
// Messages request rather than a chat one, the next one picks the Anthropic-kind
// provider, the next one sends a Responses request (to the OpenAI-kind provider, which
// serves that API, or to the other, which refuses it); the rest is the answer.
#include "core/catalog_store.h"
#include "core/key_store.h"
#include "core/migrations.h"
#include "core/store.h"
#include "daemon/gateway.h"
#include "tests/fuzz/check.h"

#include <fuzzer/FuzzedDataProvider.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace {

using namespace llmgw;

constexpr const char* k_credential_variable = "LLMGW_FUZZ_PROVIDER_KEY";
const std::string k_credential = "fuzzcred-Zq81mWx4Pd0rT6yKv2Lc";
constexpr std::size_t k_fragment = 12;

// The provider: answers each connection's one request with `answer`, then closes it.
class AnsweringUpstream {
public:
  AnsweringUpstream() {
    m_listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    FUZZ_CHECK(::bind(m_listener, reinterpret_cast<sockaddr*>(&address), length) == 0);
    FUZZ_CHECK(::listen(m_listener, 16) == 0);
    FUZZ_CHECK(::getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    m_port = ntohs(address.sin_port);
    std::thread([this] { serve(); }).detach();  // lives as long as the process
  }

  int port() const { return m_port; }
  void set_answer(std::string answer) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_answer = std::move(answer);
  }

private:
  void serve() {
    for (;;) {
      int connection = ::accept(m_listener, nullptr, nullptr);
      if (connection < 0) {
        continue;
      }
      if (read_request(connection)) {
        std::string answer;
        {
          std::lock_guard<std::mutex> lock(m_mutex);
          answer = m_answer;
        }
        for (std::size_t sent = 0; sent < answer.size();) {
          ssize_t n = ::send(connection, answer.data() + sent, answer.size() - sent, MSG_NOSIGNAL);
          if (n <= 0) {
            break;
          }
          sent += static_cast<std::size_t>(n);
        }
      }
      ::close(connection);
    }
  }

  // Reads one request's head and its Content-Length body, so that closing sends no reset.
  static bool read_request(int connection) {
    std::string received;
    char buffer[4096];
    std::size_t head_end = std::string::npos;
    std::size_t body = 0;
    for (;;) {
      if (head_end == std::string::npos && (head_end = received.find("\r\n\r\n")) != std::string::npos) {
        head_end += 4;
        auto at = received.find("Content-Length: ");
        body = at < head_end ? std::strtoull(received.c_str() + at + 16, nullptr, 10) : 0;
      }
      if (head_end != std::string::npos && received.size() >= head_end + body) {
        return true;
      }
      ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
      if (n <= 0) {
        return false;
      }
      received.append(buffer, static_cast<std::size_t>(n));
    }
  }

  int m_listener = -1;
  int m_port = 0;
  std::mutex m_mutex;
  std::string m_answer;
};

// The database, a limited key and a paid model served by the provider above.
struct Setup {
  std::string db_path;
  std::string secret;
};

Setup make_database(int port) {
  char folder[] = "/tmp/llmgw-fuzz-upstream-XXXXXX";
  FUZZ_CHECK(::mkdtemp(folder) != nullptr);
  Setup setup{std::string(folder) + "/llmgw.db", ""};
  Store store(setup.db_path);
  migrate(store.db(), setup.db_path);
  SystemClock clock;
  setup.secret = KeyStore(store, clock).create(NewKey{"fuzz", Money::parse_usd("1000000"), {}, {}, {}}).secret;
  CatalogStore catalog(store);
  // Both providers are the one upstream above, under the paths of their kinds.
  for (const ProviderKind kind : {ProviderKind::openai, ProviderKind::anthropic}) {
    const std::string id = kind == ProviderKind::openai ? "fuzz" : "fuzz-native";
    ProviderChanges provider;
    provider.base_url = "http://127.0.0.1:" + std::to_string(port) +
                        (kind == ProviderKind::openai ? "/v1" : "");
    provider.api_key_env = k_credential_variable;
    provider.enabled = true;
    provider.kind = kind;
    provider.responses = kind == ProviderKind::openai;
    catalog.set_provider(id, provider);
    Mapping mapping;
    mapping.provider = id;
    mapping.upstream_model = "fuzz-upstream";
    mapping.input = Price::parse_per_million("3", "input price");
    mapping.output = Price::parse_per_million("15", "output price");
    mapping.cached_input = Price::parse_per_million("0.3", "cached input price");
    mapping.context_size = 200000;
    mapping.max_output_tokens = 64000;
    catalog.add_mapping(kind == ProviderKind::openai ? "fuzz-model" : "fuzz-claude",
                        std::nullopt, mapping);
  }
  return setup;
}

struct World {
  AnsweringUpstream upstream;
  Setup setup = make_database(upstream.port());
  std::unique_ptr<daemon::Gateway> gateway;

  World() {
    ::setenv(k_credential_variable, k_credential.c_str(), 1);
    daemon::ServeOptions options;
    options.db_path = setup.db_path;
    options.threads = 4;
    options.upstream_connect_timeout = std::chrono::milliseconds(2000);
    options.upstream_read_timeout = std::chrono::milliseconds(2000);
    options.access_log = daemon::AccessLog::off;
    gateway = std::make_unique<daemon::Gateway>(options);
  }

  httplib::Request request(const std::string& method, const std::string& path) const {
    httplib::Request request;
    request.method = method;
    request.path = path;
    request.version = "HTTP/1.1";
    request.headers.emplace("Authorization", "Bearer " + setup.secret);
    return request;
  }
};

// What a client reads of the response: the body, or the stream pumped to its end.
std::string read_as_client(daemon::Response& response) {
  if (!response.streamed()) {
    return response.body;
  }
  std::string received;
  bool more = true;
  httplib::DataSink sink;
  sink.write = [&](const char* data, std::size_t length) {
    received.append(data, length);
    return true;
  };
  sink.done = [&] { more = false; };
  sink.is_writable = [] { return true; };
  // Every call takes at least one piece of the answer, or ends: bounded by its size.
  for (std::size_t calls = 0; more && calls < (1u << 20); ++calls) {
    if (!response.produce(sink)) {
      break;
    }
  }
  return received;
}

bool holds_credential(const std::string& text) {
  for (std::size_t at = 0; at + k_fragment <= k_credential.size(); ++at) {
    if (text.find(k_credential.substr(at, k_fragment)) != std::string::npos) {
      return true;
    }
  }
  return false;
}

void check_books(World& world) {
  httplib::Request request = world.request("GET", "/v1/key");
  daemon::Response response;
  world.gateway->key_status(request, response);
  FUZZ_CHECK(response.status == -1);  // not an error: the session answers 200
  nlohmann::json key = nlohmann::json::parse(response.body);
  FUZZ_CHECK(key["reserved"] == "0");

  Store store(world.setup.db_path);
  SQLite::Statement books(store.db(),
                          "SELECT (SELECT usage FROM api_keys), (SELECT typeof(usage) FROM api_keys), "
                          "(SELECT coalesce(sum(cost), 0) FROM request_log), "
                          "(SELECT count(*) FROM request_log WHERE cost < 0 OR typeof(cost) <> 'integer')");
  FUZZ_CHECK(books.executeStep());
  FUZZ_CHECK(books.getColumn(1).getString() == "integer");
  FUZZ_CHECK(books.getColumn(0).getInt64() == books.getColumn(2).getInt64());
  FUZZ_CHECK(books.getColumn(3).getInt64() == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  FuzzedDataProvider input(data, size);
  const std::uint8_t choices = input.ConsumeIntegral<std::uint8_t>();
  const bool stream = (choices & 1) != 0;
  const Endpoint endpoint = (choices & 8) != 0   ? Endpoint::responses
                            : (choices & 2) != 0 ? Endpoint::messages
                                                 : Endpoint::chat;
  world.upstream.set_answer(input.ConsumeRemainingBytesAsString());

  const char* model = (choices & 4) != 0 ? "fuzz-claude" : "fuzz-model";
  httplib::Request request =
      world.request("POST", endpoint == Endpoint::chat       ? "/v1/chat/completions"
                            : endpoint == Endpoint::messages ? "/v1/messages"
                                                             : "/v1/responses");
  request.body =
      endpoint == Endpoint::responses
          ? nlohmann::json{{"model", model}, {"input", "hello"}, {"max_output_tokens", 100},
                           {"stream", stream}}
                .dump()
          : nlohmann::json{{"model", model},
                           {"messages", {{{"role", "user"}, {"content", "hello"}}}},
                           {"max_tokens", 100},
                           {"stream", stream}}
                .dump();
  std::string received;
  int status = 0;
  {
    daemon::Response response;
    world.gateway->completion(request, response, nullptr, endpoint);  // off a connection
    status = response.status;
    received = read_as_client(response);
  }  // the stream's relay ends with the response, and its usage is committed
  FUZZ_CHECK(status == 200 || status == 429 || status == 502 || status == 504 ||
             (status >= 400 && status < 500 && status != 401 && status != 403));
  FUZZ_CHECK(!holds_credential(received));
  check_books(world);
  return 0;
}
