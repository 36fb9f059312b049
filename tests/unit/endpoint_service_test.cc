// How each kind of provider serves each endpoint (core/wire/endpoint_service.h), as /v1/models
// and `llmgw key check` show it and the gateway routes by it.
#include "core/wire/endpoint_service.h"

#include <doctest/doctest.h>

using llmgw::Endpoint;
using llmgw::Provider;
using llmgw::ProviderKind;
using llmgw::Service;

namespace {

Provider provider(const char* id, ProviderKind kind, bool responses = false) {
  Provider p;
  p.id = id;
  p.kind = kind;
  p.responses = responses;
  return p;
}

}  // namespace

TEST_CASE("endpoint service: each kind of provider, natively, translated or not at all") {
  const Provider chat = provider("lab", ProviderKind::openai);
  const Provider openai = provider("openai", ProviderKind::openai, true);
  const Provider anthropic = provider("anthropic", ProviderKind::anthropic);
  const Provider echo = provider("echo", ProviderKind::openai);
  CHECK(llmgw::service(Endpoint::responses, chat) == Service::translated);
  CHECK(llmgw::service(Endpoint::responses, openai) == Service::native);
  CHECK(llmgw::service(Endpoint::responses, anthropic) == Service::translated);
  CHECK(llmgw::service(Endpoint::messages, anthropic) == Service::native);
  CHECK(llmgw::service(Endpoint::chat, anthropic) == Service::translated);
  CHECK(llmgw::service(Endpoint::embeddings, anthropic) == Service::none);
  CHECK(llmgw::service(Endpoint::count_tokens, openai) == Service::none);
  CHECK(llmgw::service(Endpoint::count_tokens, echo) == Service::none);
  CHECK(llmgw::service(Endpoint::messages, echo) == Service::native);
  CHECK(llmgw::endpoints_json(anthropic).dump() ==
        R"({"/v1/chat/completions":"translated","/v1/messages":"native",)"
        R"("/v1/responses":"translated","/v1/messages/count_tokens":"native"})");
  CHECK(llmgw::endpoint_path(Endpoint::count_tokens) == "/v1/messages/count_tokens");
}
