// The upstream client over TLS, against an httplib::SSLServer with a certificate made by
// the test (and a raw listener that never answers the handshake).
#include "daemon/upstream/upstream_pool.h"

#include "core/error.h"
#include "tests/support/mock_upstream.h"
#include "tests/support/raw_upstream.h"
#include "tests/support/test_certificate.h"
#include "tests/support/temp_dir.h"

#include <doctest/doctest.h>

using namespace llmgw::daemon;
using namespace std::chrono_literals;

namespace {

UpstreamTimeouts quick_timeouts() {
  UpstreamTimeouts timeouts;
  timeouts.connect = 2000ms;
  timeouts.read = 2000ms;
  return timeouts;
}

const RequestFields k_headers = {{"Authorization", "Bearer sk-secret-credential"}};

// A TLS upstream answering GET /v1/models, and a CA file that trusts its certificate.
struct TlsFixture {
  explicit TlsFixture(const std::string& names) : certificate(names) {
    test::write_file(ca_file(), certificate.pem());
  }
  std::string ca_file() const { return folder.file("ca.pem"); }

  test::TempDir folder;
  test::TestCertificate certificate;
};

std::string tls_failure_of(UpstreamPool& pool) {
  try {
    pool.send("GET", "/models", k_headers, "");
  } catch (const UpstreamError& error) {
    CHECK(error.failure() == UpstreamFailure::tls);
    CHECK(error.nothing_sent_upstream());
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("upstream tls: a certificate from a CA we do not trust is refused") {
  TlsFixture tls("IP:127.0.0.1,DNS:localhost");
  test::MockUpstream upstream(tls.certificate.certificate(), tls.certificate.key());
  upstream.answer_json("GET", "/v1/models", 200, R"({"data":[]})");
  upstream.start();
  UpstreamPool pool(parse_base_url(upstream.base_url() + "/v1"), quick_timeouts());

  CHECK(tls_failure_of(pool) ==
        "upstream " + upstream.base_url() +
            ": TLS handshake failed: certificate verification failed: self-signed certificate");
  CHECK(upstream.requests().empty());
}

TEST_CASE("upstream tls: the configured CA verifies the upstream, and connections are reused") {
  TlsFixture tls("IP:127.0.0.1,DNS:localhost");
  test::MockUpstream upstream(tls.certificate.certificate(), tls.certificate.key());
  upstream.answer_json("GET", "/v1/models", 200, R"({"data":[]})");
  upstream.start();
  UpstreamPool pool(parse_base_url(upstream.base_url() + "/v1"), quick_timeouts(),
                    TlsConfig{tls.ca_file(), ""});

  for (int i = 0; i < 2; ++i) {
    auto response = pool.send("GET", "/models", k_headers, "");
    CHECK(response->status() == 200);
    CHECK(response->read_all(1024) == R"({"data":[]})");
  }
  CHECK(upstream.connections() == 1);
  CHECK(pool.idle_connections() == 1);
}

TEST_CASE("upstream tls: a host name is sent as SNI and checked against the certificate") {
  TlsFixture tls("DNS:localhost");
  test::MockUpstream upstream(tls.certificate.certificate(), tls.certificate.key());
  upstream.answer_json("GET", "/v1/models", 200, R"({"data":[]})");
  upstream.start();
  // localhost may resolve to ::1 first, where nothing listens: the next address is tried.
  UpstreamPool pool(parse_base_url("https://localhost:" + std::to_string(upstream.port()) + "/v1"),
                    quick_timeouts(), TlsConfig{tls.ca_file(), ""});

  auto response = pool.send("GET", "/models", k_headers, "");
  CHECK(response->read_all(1024) == R"({"data":[]})");
  CHECK(upstream.requests().at(0).header("Host") ==
        "localhost:" + std::to_string(upstream.port()));
}

TEST_CASE("upstream tls: a trusted certificate for another name is refused") {
  TlsFixture tls("DNS:api.other.example");
  test::MockUpstream upstream(tls.certificate.certificate(), tls.certificate.key());
  upstream.answer_json("GET", "/v1/models", 200, R"({"data":[]})");
  upstream.start();

  UpstreamPool by_address(parse_base_url(upstream.base_url() + "/v1"), quick_timeouts(),
                          TlsConfig{tls.ca_file(), ""});
  CHECK(tls_failure_of(by_address) ==
        "upstream " + upstream.base_url() +
            ": TLS handshake failed: certificate verification failed: IP address mismatch");

  UpstreamPool by_name(
      parse_base_url("https://localhost:" + std::to_string(upstream.port()) + "/v1"),
      quick_timeouts(), TlsConfig{tls.ca_file(), ""});
  CHECK(tls_failure_of(by_name) ==
        "upstream https://localhost:" + std::to_string(upstream.port()) +
            ": TLS handshake failed: certificate verification failed: hostname mismatch");
  CHECK(upstream.requests().empty());
}

TEST_CASE("upstream tls: a stream is read piece by piece") {
  std::vector<std::string> pieces = {"data: 1\n\n", "data: 2\n\n", "data: [DONE]\n\n"};
  TlsFixture tls("IP:127.0.0.1");
  test::MockUpstream upstream(tls.certificate.certificate(), tls.certificate.key());
  upstream.stream_sse("POST", "/v1/chat/completions", pieces, 100ms);
  upstream.start();
  UpstreamPool pool(parse_base_url(upstream.base_url() + "/v1"), quick_timeouts(),
                    TlsConfig{tls.ca_file(), ""});

  auto response = pool.send("POST", "/chat/completions", k_headers, R"({"stream":true})");
  std::vector<std::string> received;
  std::string piece;
  while (response->read_some(piece)) {
    received.push_back(piece);
    piece.clear();
  }
  CHECK(received == pieces);
  CHECK(upstream.requests().at(0).body == R"({"stream":true})");
}

TEST_CASE("upstream tls: a CA file that cannot be loaded fails the pool's creation") {
  test::TempDir folder;
  try {
    UpstreamPool pool(parse_base_url("https://api.openai.com/v1"), quick_timeouts(),
                      TlsConfig{folder.file("missing.pem"), ""});
    FAIL("no error");
  } catch (const llmgw::Error& error) {
    CHECK(error.kind() == llmgw::ErrorKind::io);
    CHECK(std::string(error.what()) ==
          "cannot load CA certificates from '" + folder.file("missing.pem") + "'");
  }
}

TEST_CASE("upstream tls: an upstream that never answers the handshake is a connect timeout") {
  test::RawUpstream upstream([](test::RawConnection& connection) {
    connection.read_some();  // the ClientHello, left unanswered
    connection.wait_for_close();
  });
  UpstreamTimeouts timeouts = quick_timeouts();
  timeouts.connect = 500ms;
  std::string url = "https://127.0.0.1:" + std::to_string(upstream.port());
  UpstreamPool pool(parse_base_url(url + "/v1"), timeouts);
  auto start = std::chrono::steady_clock::now();
  try {
    pool.send("GET", "/models", k_headers, "");
    FAIL("no error");
  } catch (const UpstreamError& error) {
    CHECK(error.failure() == UpstreamFailure::connect);
    CHECK(error.nothing_sent_upstream());
    CHECK(std::string(error.what()) ==
          "upstream " + url + ": TLS handshake timed out after 500 ms");
  }
  CHECK(test::elapsed_ms(start) >= 450);
  CHECK(test::elapsed_ms(start) < 3000);
}
