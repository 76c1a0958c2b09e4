#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "libs/rpc/mutual_tls.h"

namespace seckill::rpc {

// Where a named service ("product", "order") can be reached: "host:port" endpoints.
// The seam for discovery: a static table now, etcd later. Implementations are thread-safe.
class Resolver {
 public:
  virtual ~Resolver() = default;
  // NOT_FOUND when the service has no endpoint.
  virtual absl::StatusOr<std::vector<std::string>> Resolve(const std::string& service) const = 0;
};

// Endpoints fixed at start-up, from configuration.
class StaticResolver final : public Resolver {
 public:
  explicit StaticResolver(std::map<std::string, std::vector<std::string>> endpoints)
      : endpoints_(std::move(endpoints)) {}
  absl::StatusOr<std::vector<std::string>> Resolve(const std::string& service) const override;

 private:
  std::map<std::string, std::vector<std::string>> endpoints_;
};

// A round_robin channel over every endpoint of `service`, gRPC's own retries off, secured by
// `security`.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const Resolver& resolver,
                                                           const std::string& service,
                                                           const ChannelSecurity& security);
// The same for one fixed "host:port" (a setting).
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address,
                                           const ChannelSecurity& security);

}  // namespace seckill::rpc
