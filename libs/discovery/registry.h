#pragma once
// Service discovery through etcd. An instance registers
//   /seckill/services/<service>/<instance-id> -> {"addr","version","started_at","weight"}
// under a lease it keeps alive; clients follow the prefix of the service they call and get the
// live addresses. A crashed instance disappears when its lease expires (the TTL).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "boost/asio/any_io_executor.hpp"
#include "libs/base/async.h"
#include "libs/base/presence.h"
#include "libs/etcd/client.h"
#include "libs/etcd/watch.h"

namespace seckill::discovery {

inline constexpr const char* kServicesPrefix = "/seckill/services/";

struct Instance {
  std::string service;  // "product", "order", "gateway"
  std::string addr;     // host:port others reach it at
  std::string version;
  int weight = 1;
};

// The key prefix of a service's instances: "/seckill/services/<service>/".
std::string ServicePrefix(const std::string& service);
// The registered value of an instance, and back: the address it names (INVALID_ARGUMENT for a
// value that is not such a document).
std::string EncodeInstance(const Instance& instance, int64_t started_at_ms);
absl::StatusOr<std::string> DecodeAddress(const std::string& value);

// One instance's registration, kept while the instance runs. Start() registers under a fresh
// lease and keeps it alive every TTL/3; when a keep-alive finds the lease gone (etcd lost it, or
// the instance was paused past the TTL) it grants a new one and registers again. While etcd is
// unreachable it keeps trying; clients meanwhile serve from their last known set.
class Registration {
 public:
  Registration(boost::asio::any_io_executor executor, etcd::Options options, Instance instance,
               std::chrono::seconds ttl);
  ~Registration();

  // Registers once (a create-only transaction under a fresh instance id) and starts the
  // keep-alive; the error when etcd refused or could not be reached.
  base::AsyncStatus Start();
  // Deregisters (deletes the key and revokes the lease) and stops the keep-alive; the first
  // step of a graceful stop, before draining. Best effort: an unreachable etcd lets the lease
  // expire instead.
  base::AsyncStatus Stop();

  const std::string& instance_id() const;
  const std::string& key() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// An instance's Registration as its base::Presence, for the service hosts: Announce() starts it,
// Withdraw() stops it, each run on `executor` (running on another thread) and waited for.
class Announcement final : public base::Presence {
 public:
  Announcement(boost::asio::any_io_executor executor, etcd::Options options, Instance instance,
               std::chrono::seconds ttl)
      : executor_(executor),
        registration_(executor, std::move(options), std::move(instance), ttl) {}
  absl::Status Announce() override;
  void Withdraw() override;

 private:
  boost::asio::any_io_executor executor_;
  Registration registration_;
};

// The live addresses of one service, followed through a watch. `on_change` gets the sorted,
// de-duplicated addresses (a restarted instance may be listed twice until its old lease ends)
// after the first read and after each change, on the executor. Values that are not instance
// documents are skipped with a warning.
class ServiceWatch {
 public:
  using OnChange = std::function<void(const std::vector<std::string>& addresses)>;
  ServiceWatch(boost::asio::any_io_executor executor, etcd::Options options,
               const std::string& service, OnChange on_change);
  void Start() { watch_.Start(); }
  void Stop() { watch_.Stop(); }

 private:
  etcd::PrefixWatch watch_;
};

}  // namespace seckill::discovery
