#include "libs/discovery/settings.h"

#include "fmt/format.h"
#include "libs/base/status.h"
#include "libs/discovery/registry.h"

namespace seckill::discovery {

absl::StatusOr<etcd::Options> Settings::Etcd() const {
  return etcd::ParseEndpoint(etcd_endpoints, etcd_user, etcd_password);
}

std::string AdvertisedAddress(const Settings& settings, const std::string& host, uint16_t port) {
  return settings.advertise_addr.empty() ? fmt::format("{}:{}", host, port)
                                         : settings.advertise_addr;
}

std::unique_ptr<base::Presence> PresenceOf(boost::asio::any_io_executor executor,
                                           const Settings& settings, const std::string& service,
                                           const std::string& host, uint16_t port) {
  if (!settings.enabled()) return nullptr;
  Instance instance{.service = service,
                    .addr = AdvertisedAddress(settings, host, port),
                    .version = SECKILL_VERSION};
  return std::make_unique<Announcement>(executor, *settings.Etcd(), std::move(instance),
                                        settings.lease_ttl);
}

void DescribeSettings(base::SettingsSchema& schema, Settings& s) {
  schema.String("etcd.endpoints", &s.etcd_endpoints,
                "etcd's client URL (http://host:port) for service discovery; empty: none, and "
                "every service address is a fixed setting");
  schema.String("etcd.user", &s.etcd_user, "the etcd user (when etcd's authentication is on)");
  schema.Secret("etcd.password", &s.etcd_password, "that user's password",
                base::SettingsSchema::Need::kOptional);
  schema.Seconds("discovery.lease_ttl_s", &s.lease_ttl, 2, 300,
                 "an instance that stops renewing its registration is forgotten after this long");
  schema.String("discovery.advertise_addr", &s.advertise_addr,
                "host:port others reach this instance at; empty: its listen address");
  schema.Rule([&s]() -> absl::Status {
    if (!s.enabled()) return absl::OkStatus();
    absl::StatusOr<etcd::Options> options = s.Etcd();
    if (!options.ok()) {
      return absl::InvalidArgumentError(
          fmt::format("etcd.endpoints: {}", base::Message(options.status())));
    }
    return absl::OkStatus();
  });
}

void RequireAddressWithoutDiscovery(base::SettingsSchema& schema, const Settings& settings,
                                    const std::string& key, const std::string& address) {
  schema.Rule([&settings, key, address = &address]() -> absl::Status {
    if (settings.enabled() || !address->empty()) return absl::OkStatus();
    return absl::InvalidArgumentError(
        fmt::format("{} is required without service discovery (set it, or etcd.endpoints)", key));
  });
}

}  // namespace seckill::discovery
