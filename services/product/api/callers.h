#pragma once

#include "libs/rpc/mutual_tls.h"

namespace seckill::product::api {

// Who may call each ProductService method (docs/security.md): the gateway reads the catalogue
// for buyers; only its admin identity creates products and activities; only the order service
// moves stock.
rpc::CallerPolicy ProductCallers();

}  // namespace seckill::product::api
