#include "tests/support/stack_clients.h"

#include <cstdio>
#include <cstdlib>

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

etcd::Options StackEtcdOptions() {
  const StackEnv& env = StackEnv::Get();
  auto options = etcd::ParseEndpoint(env.At("SECKILL_ETCD_ENDPOINTS"), env.At("SECKILL_ETCD_USER"),
                                     env.At("SECKILL_ETCD_PASSWORD"));
  if (!options.ok()) {
    std::fprintf(stderr, "SECKILL_ETCD_ENDPOINTS in %s: %s\n", env.path().c_str(),
                 options.status().ToString().c_str());
    std::abort();
  }
  return *options;
}

}  // namespace seckill::testing
