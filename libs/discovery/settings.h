#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "boost/asio/any_io_executor.hpp"
#include "libs/base/presence.h"
#include "libs/base/settings.h"
#include "libs/etcd/client.h"

namespace seckill::discovery {

// Where etcd is and how an instance registers. Without etcd.endpoints there is no discovery:
// each caller then needs the fixed address of what it calls (product.addr, order.addr).
struct Settings {
  std::string etcd_endpoints;  // "http://host:port"
  std::string etcd_user;
  std::string etcd_password;
  std::chrono::seconds lease_ttl{10};
  // The address others reach this instance at, when it is not the listen address (a listener on
  // 0.0.0.0, a NAT); empty: the listen address and port.
  std::string advertise_addr;

  bool enabled() const { return !etcd_endpoints.empty(); }
  absl::StatusOr<etcd::Options> Etcd() const;
};

// The address an instance listening on host:port registers: settings.advertise_addr, or
// host:port.
std::string AdvertisedAddress(const Settings& settings, const std::string& host, uint16_t port);

// The presence of an instance of `service` that listens on host:port: its registration in etcd
// when discovery is on (advertising `advertise_addr`, else host:port), otherwise null.
std::unique_ptr<base::Presence> PresenceOf(boost::asio::any_io_executor executor,
                                           const Settings& settings, const std::string& service,
                                           const std::string& host, uint16_t port);

// Declares etcd.endpoints (SECKILL_ETCD_ENDPOINTS), etcd.user, etcd.password,
// discovery.lease_ttl_s and discovery.advertise_addr into `settings`.
void DescribeSettings(base::SettingsSchema& schema, Settings& settings);

// The rule every caller of `service` declares: its fixed address (`key`, e.g. "product.addr")
// is needed only when there is no discovery.
void RequireAddressWithoutDiscovery(base::SettingsSchema& schema, const Settings& settings,
                                    const std::string& key, const std::string& address);

}  // namespace seckill::discovery
