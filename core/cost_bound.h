#pragma once
// The most a client request can cost on one provider mapping: what its reservation holds
// and what it is billed when the provider's usage never arrives.
#include "core/catalog.h"
#include "core/client_request.h"
#include "core/money.h"

namespace llmgw {

// The prompt bound at the mapping's input price plus the output bound at its output
// price. A max_tokens of 0 counts as none (some providers read it so): the mapping's max
// output. Throws Error(invalid) when the amount is more than Money holds.
Money cost_bound(const ClientRequest& request, const Mapping& mapping);

}  // namespace llmgw
