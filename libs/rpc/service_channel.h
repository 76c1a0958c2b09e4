#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "grpcpp/channel.h"
#include "libs/rpc/call_observers.h"
#include "libs/rpc/mutual_tls.h"

namespace seckill::rpc {

// The channel to a service whose instances come and go (service discovery feeds Update()).
// Each update builds a round_robin channel over the new addresses; connections to addresses the
// old and new sets share are kept (gRPC's subchannel pool is process-wide), and a call already
// started finishes on the channel it began on. Thread-safe.
class ServiceChannel {
 public:
  // `observers` watch every call made through the channel (none by default): rpc::WatchCall
  // and rpc::UnaryCall use them.
  ServiceChannel(std::string service, ChannelSecurity security, CallObservers observers = {})
      : service_(std::move(service)), security_(std::move(security)), observers_(observers) {}
  // The instances now: "host:port" each. An empty set means no instance is known.
  void Update(const std::vector<std::string>& addresses);
  // The channel for a new call; null while no instance is known.
  std::shared_ptr<grpc::Channel> Current() const;
  // Counts updates that changed the channel; a stub made for an older one is stale.
  uint64_t generation() const;
  const std::string& service() const { return service_; }
  const CallObservers& observers() const { return observers_; }
  // A channel to `service` that never has an instance (for a client no call is made through).
  static std::shared_ptr<const ServiceChannel> None(std::string service);

 private:
  const std::string service_;
  const ChannelSecurity security_;
  const CallObservers observers_;
  mutable std::mutex mu_;
  std::shared_ptr<grpc::Channel> channel_;  // under mu_
  std::vector<std::string> addresses_;      // under mu_
  std::atomic<uint64_t> generation_ = 0;    // written under mu_
};

// A service's stub for the current channel of a ServiceChannel, made again when the channel
// changes. Thread-safe. A call takes the stub once and keeps it (and so its channel) to the end.
template <class Service>
class Stubs {
 public:
  using Stub = typename Service::Stub;
  explicit Stubs(std::shared_ptr<const ServiceChannel> channel) : channel_(std::move(channel)) {}
  // Null while the service has no known instance: the caller fails fast with UNAVAILABLE
  // (NoInstanceError).
  std::shared_ptr<Stub> Get() {
    const uint64_t generation = channel_->generation();
    std::lock_guard lock(mu_);
    if (generation != generation_ || stub_ == nullptr) {
      std::shared_ptr<grpc::Channel> current = channel_->Current();
      stub_ = current ? std::shared_ptr<Stub>(Service::NewStub(current)) : nullptr;
      generation_ = generation;
    }
    return stub_;
  }
  const std::string& service() const { return channel_->service(); }
  const CallObservers& observers() const { return channel_->observers(); }

 private:
  std::shared_ptr<const ServiceChannel> channel_;
  std::mutex mu_;
  std::shared_ptr<Stub> stub_;
  uint64_t generation_ = 0;
};

// UNAVAILABLE: no instance of `service` is known (none registered, or all gone).
absl::Status NoInstanceError(const std::string& service);

// A round_robin channel over `addresses` ("host:port" each, at least one), gRPC's own retries
// off, secured by `security`.
std::shared_ptr<grpc::Channel> MakeChannel(const std::vector<std::string>& addresses,
                                           const ChannelSecurity& security);
// The same for one fixed "host:port" (a setting).
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address,
                                           const ChannelSecurity& security);

}  // namespace seckill::rpc
