#include "libs/mysql/config.h"

namespace seckill::mysql {

void DescribeSettings(base::SettingsSchema& schema, ConnectionOptions& options) {
  using Need = base::SettingsSchema::Need;
  schema.String("db.host", &options.host, "MariaDB host");
  schema.Parsed("db.port", std::to_string(options.port), "MariaDB port",
                [&options](const std::string& text) {
                  const int port = std::atoi(text.c_str());
                  if (port < 1 || port > 65535 || std::to_string(port) != text) {
                    return absl::InvalidArgumentError("must be a port number, 1 to 65535");
                  }
                  options.port = port;
                  return absl::OkStatus();
                });
  schema.String("db.user", &options.user, "MariaDB user", Need::kRequired);
  schema.Secret("db.password", &options.password, "MariaDB password", Need::kOptional);
  schema.String("db.name", &options.database, "the database", Need::kRequired);
}

}  // namespace seckill::mysql
