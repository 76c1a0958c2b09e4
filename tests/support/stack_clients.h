#pragma once

#include "libs/amqp/connection.h"
#include "libs/etcd/client.h"
#include "libs/mysql/connection.h"
#include "tests/support/stack_env.h"

namespace seckill::testing {

// Connection settings for the running local stack's servers.
mysql::ConnectionOptions StackDbOptions();
amqp::BrokerOptions StackBrokerOptions();
// As the services' etcd user.
etcd::Options StackEtcdOptions();

}  // namespace seckill::testing
