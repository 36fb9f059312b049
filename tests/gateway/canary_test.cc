// Canary secrets: a gateway key made by the CLI and two provider credentials run through
// the daemon's and the CLI's flows, including upstreams that echo them back, and are then
// searched for everywhere they could have gone. A provider credential may appear only in
// requests to its own provider; a gateway key nowhere at all (its creation's output aside).
//
// A fragment of a secret is any k_secret_fragment (12) consecutive characters of its
// secret part: the 40 random characters of a gateway key (its displayed 12-character
// prefix holds only 4 of them), the whole of a provider credential.
#include "core/redact.h"
#include "tests/gateway/gateway_fixture.h"
#include "tests/support/db_dump.h"
#include "tests/support/process.h"
#include "tests/support/secret_fragments.h"

#include <doctest/doctest.h>

#include <csignal>
#include <future>
#include <random>
#include <thread>

using namespace test;

namespace {

const std::string k_upstream_path = "/v1/chat/completions";

std::string random_text(std::size_t length, const std::string& alphabet) {
  std::random_device device;
  std::mt19937_64 generator(device());
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string text;
  for (std::size_t i = 0; i < length; ++i) {
    text += alphabet[pick(generator)];
  }
  return text;
}

const std::string k_lower = "abcdefghijklmnopqrstuvwxyz";
const std::string k_alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" + k_lower;

struct Canary {
  std::string name;  // what a failure prints instead of the secret
  std::string secret;
  std::string secret_part;

  bool found_in(const std::string& text) const { return holds_fragment(text, secret_part); }
};

Canary gateway_key(const std::string& name, const std::string& secret) {
  return {name, secret, gateway_key_secret_part(secret)};
}

Canary credential(const std::string& name, const std::string& secret) {
  return {name, secret, secret};
}

// Where canaries were found, by place and canary name: never the secret itself.
class Search {
public:
  explicit Search(std::vector<Canary> canaries) : m_canaries(std::move(canaries)) {}

  // Looks for every canary except `allowed` (a name) in `text`.
  void look(const std::string& place, const std::string& text, const std::string& allowed = "") {
    ++m_places_searched;
    m_bytes_searched += text.size();
    for (const Canary& canary : m_canaries) {
      if (canary.name != allowed && canary.found_in(text)) {
        m_found += place + ": " + canary.name + "\n";
      }
    }
  }

  void response(const std::string& label, const httplib::Result& result) {
    CHECK_MESSAGE(result, label, ": ", result ? "" : httplib::to_string(result.error()));
    if (!result) {
      return;
    }
    std::string text = std::to_string(result->status) + "\n" + result->body;
    for (const auto& [name, value] : result->headers) {
      text += name + ": " + value + "\n";
    }
    look("response to " + label, text);
  }

  const std::string& found() const { return m_found; }
  int places_searched() const { return m_places_searched; }
  std::size_t bytes_searched() const { return m_bytes_searched; }

private:
  std::vector<Canary> m_canaries;
  std::string m_found;
  int m_places_searched = 0;
  std::size_t m_bytes_searched = 0;
};

std::string everything_sent(const RecordedRequest& request) {
  std::string text = request.method + " " + request.path + "\n" + request.body;
  for (const auto& [name, value] : request.headers) {
    text += name + ": " + value + "\n";
  }
  return text;
}

// An upstream error message that echoes `secrets` whole and in fragments, as providers
// do when they show part of a rejected key: the first and last 16 characters of each.
std::string echo_of(const std::vector<std::string>& secrets) {
  std::string text = "Incorrect API key provided.";
  for (const std::string& s : secrets) {
    text += " Seen: " + s + ", starting " + s.substr(0, 16) + ", ending " + s.substr(s.size() - 16);
  }
  return text;
}

std::string last_user_message(const httplib::Request& request) {
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  return body.is_object() ? body["messages"].back().value("content", "") : "";
}

nlohmann::json chat(const std::string& model, const std::string& text, bool stream = false) {
  nlohmann::json body = chat_request(model, text);
  if (stream) {
    body["stream"] = true;
  }
  return body;
}

}  // namespace

TEST_CASE("secrets: canary keys and credentials appear nowhere but where they must") {
  GatewayUnderTest gw;
  gw.alpha_credential = "canary-" + random_text(32, k_lower);  // shaped like no key at all
  gw.beta_credential = "sk-beta-" + random_text(32, k_alnum);
  TestKey key = gw.create_key({"--limit", "5", "--deny-model", "gratis"});
  TestKey spent = gw.create_key({"--limit", "0"});
  const std::string wrong_key = "llmgtwy_" + random_text(40, k_alnum);
  const std::string echoed = echo_of({gw.alpha_credential, key.secret});
  // alpha does what the last user message says.
  const std::string model = "premium-upstream";
  // "hang" holds its answer until the test ends, far past the daemon's read timeout however
  // loaded the machine is. Its guard releases the handler and then stops alpha, so the
  // handler is done before the locals it uses (declared above the guard) go.
  struct HangUntilTheEnd {
    test::MockUpstream& alpha;
    std::promise<void> end;
    std::shared_future<void> ended = end.get_future().share();
    ~HangUntilTheEnd() {
      end.set_value();
      alpha.stop();
    }
  } hang{gw.alpha};

  gw.alpha.handle("POST", k_upstream_path, [&](const httplib::Request& request,
                                               httplib::Response& response) {
    std::string say = last_user_message(request);
    nlohmann::json error = {{"error", {{"message", echoed}, {"type", "invalid_request_error"}}}};
    if (say == "stream") {
      response.set_content(sse(content_chunk(model, "streamed")) +
                               sse(usage_chunk(model, {10, 2, 0})) + k_sse_done,
                           "text/event-stream");
    } else if (say == "stream error") {
      response.set_content(sse(content_chunk(model, "partial")) + sse(error), "text/event-stream");
    } else if (say.rfind("fail ", 0) == 0) {
      response.status = std::stoi(say.substr(5));
      if (response.status == 429) {
        response.set_header("Retry-After", gw.alpha_credential);
      }
      response.set_content(error.dump(), "application/json");
    } else if (say == "hang") {
      hang.ended.wait_for(std::chrono::seconds(60));
      response.set_content(completion_json(model, "late", {10, 2, 0}), "application/json");
    } else {
      response.set_content(completion_json(model, "fine", {10, 2, 0}), "application/json");
    }
  });
  gw.beta.answer_json("POST", k_upstream_path, 200,
                      completion_json("beta/shared", "from beta", {10, 2, 0}));
  gw.start({"--upstream-timeout", "500ms", "--access-log", "on"});

  Search search({gateway_key("the gateway key", key.secret),
                 gateway_key("the spent gateway key", spent.secret),
                 gateway_key("the wrong gateway key", wrong_key),
                 credential("alpha's credential", gw.alpha_credential),
                 credential("beta's credential", gw.beta_credential)});

  // The daemon's flows, each with the status it must have.
  httplib::Client client = gw.client();
  auto post = [&](const std::string& label, const std::string& secret, const nlohmann::json& body,
                  int status, httplib::Headers headers = {}) {
    headers.emplace("Authorization", "Bearer " + secret);
    auto result = client.Post(k_upstream_path.c_str(), headers, body.dump(), "application/json");
    search.response(label, result);
    CAPTURE(label);
    CHECK((result ? result->status : -1) == status);
    return reply_of(result);
  };
  post("a served request", key.secret, chat("premium", "hello"), 200);
  std::string streamed;
  auto stream = gw.stream_chat(key, chat("premium", "stream", true), [&](const char* d, std::size_t n) {
    streamed.append(d, n);
    return true;
  });
  search.response("a stream (head)", stream);
  search.look("a stream (body)", streamed);
  CHECK(streamed.find("streamed") != std::string::npos);
  std::string failed;
  auto failing = gw.stream_chat(key, chat("premium", "stream error", true), [&](const char* d, std::size_t n) {
    failed.append(d, n);
    return true;
  });
  search.response("a stream with an error event (head)", failing);
  search.look("a stream with an error event (body)", failed);
  CHECK(failed.find(R"("message":"Incorrect API key provided. Seen: [redacted], starting [redacted])") !=
        std::string::npos);
  post("a wrong key", wrong_key, chat("premium", "hello"), 401);
  post("a denied model", key.secret, chat("gratis", "hello"), 403);
  post("a spent key", spent.secret, chat("premium", "hello"), 402);
  // The upstream's words do reach the client, with every secret in them redacted.
  std::string redacted_echo = "Incorrect API key provided.";
  for (int i = 0; i < 2; ++i) {
    redacted_echo += " Seen: [redacted], starting [redacted], ending [redacted]";
  }
  CHECK(post("an echoing 400", key.secret, chat("premium", "fail 400"), 400) ==
        reference_error(400, "upstream_error", "Provider alpha answered HTTP 400: " + redacted_echo));
  post("an echoing 400 to an SDK", key.secret, chat("premium", "fail 400"), 400,
       {{"X-Stainless-Lang", "js"}});
  post("an echoing 422", key.secret, chat("premium", "fail 422"), 422);
  post("an echoing 401", key.secret, chat("premium", "fail 401"), 502);
  post("an echoing 429", key.secret, chat("premium", "fail 429"), 429);
  post("an echoing 500", key.secret, chat("premium", "fail 500"), 502);
  post("an echoing 500, then beta", key.secret, chat("shared", "fail 500"), 200);
  post("a provider that hangs", key.secret, chat("premium", "hang"), 504);
  for (const char* path : {"/v1/key", "/v1/models", "/metrics", "/healthz", "/readyz"}) {
    search.response(std::string("GET ") + path, client.Get(path, bearer(key)));
  }
  search.response("GET /v1/key with the wrong key",
                  client.Get("/v1/key", {{"x-api-key", wrong_key}}));

  // The CLI's views of the same keys and requests.
  const std::string backup = gw.db() + ".backup";
  const std::vector<std::vector<std::string>> commands = {
      {"key", "list", "--all"},           {"--json", "key", "list", "--all"},
      {"key", "show", key.id},            {"--json", "key", "show", spent.id},
      {"key", "check", key.id, "--model", "premium"},
      {"--json", "key", "check", key.id, "--model", "gratis"},
      {"usage", "--by", "key"},           {"--json", "usage", "--key", key.id},
      {"logs"},                           {"--json", "logs", "--limit", "100"},
      {"backup", backup}};
  const std::vector<std::string> denied = {"--json", "key", "check", key.id, "--model", "gratis"};
  for (const auto& args : commands) {
    Result run = test::llmgw(gw.db(), args);
    std::string label = "llmgw";
    for (const std::string& arg : args) {
      label += " " + arg;
    }
    CAPTURE(label);
    CHECK(run.exit_code == (args == denied ? 5 : 0));
    search.look(label + " stdout", run.out);
    search.look(label + " stderr", run.err);
  }

  // What the upstreams received: each its own credential, and nothing else secret.
  for (const auto& request : gw.alpha.requests()) {
    CHECK(request.header("Authorization") == "Bearer " + gw.alpha_credential);
    search.look("a request to alpha", everything_sent(request), "alpha's credential");
  }
  for (const auto& request : gw.beta.requests()) {
    CHECK(request.header("Authorization") == "Bearer " + gw.beta_credential);
    search.look("a request to beta", everything_sent(request), "beta's credential");
  }
  CHECK(gw.alpha.requests().size() == 11);
  CHECK(gw.beta.requests().size() == 1);

  // The files while the daemon has them open (the -wal not yet checkpointed away), then
  // every table's every column, then all the daemon printed.
  for (const std::string& file : {gw.db(), gw.db() + "-wal", gw.db() + "-shm", backup}) {
    std::string bytes = read_file(file);
    CHECK_MESSAGE(!bytes.empty(), file);
    search.look(file, bytes);
  }
  search.look("the database's tables", dump_database(gw.db()));
  search.look("the backup's tables", dump_database(backup));
  CHECK(gw.daemon().stop(SIGTERM) == 0);
  search.look("the daemon's stdout", gw.daemon().stdout_text());
  search.look("the daemon's stderr", gw.daemon().stderr_text());
  CHECK(gw.daemon().stderr_text().find("\"status\":504") != std::string::npos);  // logged

  MESSAGE("searched ", search.places_searched(), " places, ", search.bytes_searched(), " bytes");
  CHECK(search.found() == "");
}
