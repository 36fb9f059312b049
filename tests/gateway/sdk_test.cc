// The gateway driven by the official OpenAI Node SDK (tests/sdk/sdk_test.mjs): a chat
// completion, a stream read with `for await`, models.list() and a 403 the SDK surfaces
// with the gateway's message.
#include "tests/gateway/gateway_fixture.h"
#include "tests/support/cli_outcome.h"
#include "tests/support/process.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <sstream>
#include <unistd.h>

using namespace test;

namespace {

const std::string k_sdk_dir = std::string(LLMGW_SOURCE_DIR) + "/tests/sdk";

bool executable(const std::string& path) {
  return ::access(path.c_str(), X_OK) == 0;
}

// /usr/bin/node, else the first `node` on $PATH; "" when there is none.
std::string find_node() {
  if (executable("/usr/bin/node")) {
    return "/usr/bin/node";
  }
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path == nullptr ? "" : path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && executable(dir + "/node")) {
      return dir + "/node";
    }
  }
  return "";
}

}  // namespace

TEST_CASE("the official OpenAI Node SDK: completion, stream, models.list and a 403") {
  std::string node = find_node();
  REQUIRE_MESSAGE(!node.empty(), "node is not installed: the SDK test needs Node.js 18 or later");
  REQUIRE_MESSAGE(::access((k_sdk_dir + "/node_modules/openai/package.json").c_str(), R_OK) == 0,
                  "the OpenAI SDK is not installed: run `npm ci --prefix tests/sdk`");
  GatewayUnderTest gw;
  TestKey allowed = gw.create_key({"--allow-model", "echo"});
  TestKey denied = gw.create_key({"--deny-model", "echo"});
  gw.start();
  RunOptions options;
  options.env = {{"LLMGW_URL", "http://127.0.0.1:" + std::to_string(gw.port())},
                 {"LLMGW_KEY", allowed.secret},
                 {"LLMGW_DENIED_KEY", denied.secret}};
  options.timeout_seconds = 60;
  Result sdk = run({node, k_sdk_dir + "/sdk_test.mjs"}, options);
  INFO("node stderr: ", mask_secrets(sdk.err));
  CHECK(sdk.exit_code == 0);
  CHECK(mask_secrets(sdk.out) == "sdk: 4 passed, 0 failed\n");
}
