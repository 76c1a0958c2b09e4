#pragma once

#include "libs/base/settings.h"
#include "libs/mysql/connection.h"

namespace seckill::mysql {

// Declares db.host, db.port, db.user, db.password and db.name (SECKILL_DB_HOST, ...) into
// `options`; its present values are the defaults.
void DescribeSettings(base::SettingsSchema& schema, ConnectionOptions& options);

}  // namespace seckill::mysql
