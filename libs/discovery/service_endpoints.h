#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "boost/asio/any_io_executor.hpp"
#include "libs/discovery/registry.h"
#include "libs/discovery/settings.h"
#include "libs/rpc/service_channel.h"

namespace seckill::discovery {

// Feeds the instances of one service to the channels that call it: its fixed address when one is
// configured, otherwise its registrations in etcd, followed.
class ServiceEndpoints {
 public:
  // `fixed_addr` empty: follow etcd (settings.enabled() must hold).
  ServiceEndpoints(boost::asio::any_io_executor executor, const Settings& settings,
                   const std::string& service, const std::string& fixed_addr,
                   std::vector<std::shared_ptr<rpc::ServiceChannel>> channels);
  void Start();
  void Stop();

 private:
  std::vector<std::shared_ptr<rpc::ServiceChannel>> channels_;
  std::string fixed_addr_;
  std::optional<ServiceWatch> watch_;
};

}  // namespace seckill::discovery
