#include "tests/support/stack_clients.h"

#include "libs/base/url.h"

namespace seckill::testing {

mysql::ConnectionOptions StackDbOptions() {
  const StackEnv& env = StackEnv::Get();
  mysql::ConnectionOptions o;
  o.host = env.At("SECKILL_DB_HOST");
  o.port = std::stoi(env.At("SECKILL_DB_PORT"));
  o.user = env.At("SECKILL_DB_USER");
  o.password = env.At("SECKILL_DB_PASSWORD");
  o.database = env.At("SECKILL_DB_NAME");
  return o;
}

amqp::BrokerOptions StackBrokerOptions() {
  auto url = base::ParseUrl(StackEnv::Get().At("SECKILL_AMQP_URL"), 5672);
  amqp::BrokerOptions o;
  o.host = url->host;
  o.port = url->port;
  o.user = url->user;
  o.password = url->password;
  o.vhost = url->path.empty() ? "/" : url->path;
  return o;
}

}  // namespace seckill::testing
