#include "core/cost_bound.h"

namespace llmgw {

Money cost_bound(const ClientRequest& request, const Mapping& mapping) {
  const std::int64_t output_tokens = request.max_tokens && *request.max_tokens > 0
                                         ? *request.max_tokens
                                         : mapping.max_output_tokens;
  return mapping.input.cost(request.prompt_tokens_estimate) + mapping.output.cost(output_tokens);
}

}  // namespace llmgw
