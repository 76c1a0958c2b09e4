#pragma once

#include "libs/rpc/mutual_tls.h"

namespace seckill::order::api {

// Who may call each OrderService method (docs/security.md): the gateway, on behalf of the buyer
// its token names, the buyer-facing ones; its admin identity the operator's ones.
rpc::CallerPolicy OrderCallers();

}  // namespace seckill::order::api
