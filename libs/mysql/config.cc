#include "libs/mysql/config.h"

namespace seckill::mysql {

absl::StatusOr<ConnectionOptions> ConnectionOptionsFromConfig(const base::Config& config) {
  ConnectionOptions options;
  options.host = config.GetString("db.host", "127.0.0.1");
  auto port = config.GetInt("db.port", 3306);
  if (!port.ok()) return port.status();
  options.port = static_cast<int>(*port);
  auto user = config.RequireString("db.user");
  if (!user.ok()) return user.status();
  options.user = *user;
  options.password = config.GetString("db.password", "");
  auto name = config.RequireString("db.name");
  if (!name.ok()) return name.status();
  options.database = *name;
  return options;
}

}  // namespace seckill::mysql
