#pragma once
// The JSON documents translation builds: members in the order they are written (as the
// APIs document them), dumped compactly, invalid UTF-8 replaced rather than thrown on.
#include "core/wire/client_request.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace llmgw {

using WireJson = nlohmann::ordered_json;

std::string wire_text(const WireJson& document);

// A server-sent event named `type` whose data is `document`.
std::string named_event(std::string_view type, const WireJson& document);

// The first choice of a chat completion or chunk: null unless `document` is an object
// whose `choices` array holds an object first.
const WireJson* first_choice(const WireJson& document);

// `object`'s member `name` when it is a string, else "".
std::string string_in(const WireJson& object, const char* name);

// The request's members as one document, values as the client wrote them. The request was
// checked (parse_client_request): valid JSON, nested at most k_max_json_depth.
WireJson request_document(const ClientRequest& request);

// The document `text` holds, when it is valid JSON nested at most k_max_response_depth
// deep: text from a provider or inside a string of the client's (tool arguments).
std::optional<WireJson> parsed_json(std::string_view text);

// `value`'s integer when it is a JSON integer from 0 to k_max_usage_tokens, else 0: the
// counts a translated answer shows (billing reads the upstream's own, checked).
std::int64_t shown_count(const WireJson& object, const char* name);

}  // namespace llmgw
