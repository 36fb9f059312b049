#pragma once
// The most a client request can cost on one provider mapping: what its reservation holds
// and what it is billed when the provider's usage never arrives or cannot be counted.
#include "core/catalog.h"
#include "core/wire/client_request.h"
#include "core/money.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace llmgw {

// The prompt bound (ClientRequest::prompt_tokens_estimate) at the mapping's highest
// price of a prompt token (input, cached input, and where the mapping writes_cache, the
// cache-write prices; at the long-context tier too where the prompt bound passes it) plus the output bound at its output price: the larger of max_completion_tokens and
// max_tokens, or the mapping's max output when neither is given or it is 0 (some providers
// read 0 as none), times the request's choices (`n`, `best_of`). Reasoning tokens are
// output tokens. Throws Error(invalid), with a message fit for a 400 answer, when the
// amount is more than Money holds.
Money cost_bound(const ClientRequest& request, const Mapping& mapping);

// The most output tokens the request can be billed on `mapping`: the larger of
// max_completion_tokens and max_tokens, or the mapping's max output when neither is given
// or it is 0, times the request's choices (saturating). Nullopt when neither bounds it.
std::optional<std::int64_t> output_tokens_bound(const ClientRequest& request,
                                                const Mapping& mapping);

// The output tokens billed for an answer without usage: a token for each of its `bytes`
// (no tokenizer makes more tokens than bytes of generated text), at most `bound`.
std::int64_t estimated_output(std::size_t bytes, std::optional<std::int64_t> bound);

// Why the output of a chat or Responses `request` on `mapping` has no bound, when it has
// none: the output is priced, the request gives no max tokens (or 0) and the mapping has
// no max output. `model` is the model's id, for the message (fit for a 400 answer).
std::optional<std::string> unbounded_output(const ClientRequest& request,
                                            const Mapping& mapping, std::string_view model);

}  // namespace llmgw
