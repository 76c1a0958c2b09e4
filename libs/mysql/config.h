#pragma once

#include "absl/status/statusor.h"
#include "libs/base/config.h"
#include "libs/mysql/connection.h"

namespace seckill::mysql {

// Reads db.host, db.port, db.user, db.password and db.name (SECKILL_DB_HOST, ...).
absl::StatusOr<ConnectionOptions> ConnectionOptionsFromConfig(const base::Config& config);

}  // namespace seckill::mysql
