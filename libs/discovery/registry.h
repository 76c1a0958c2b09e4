#pragma once
// Service discovery through etcd. An instance registers
//   /seckill/services/<service>/<instance-id> -> {"addr","version","started_at","weight"}
// under a lease it keeps alive; clients follow the prefix of the service they call and get the
// live addresses. A crashed instance disappears when its lease expires (the TTL).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
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

// Which key a Registration takes: the first of `attempts` names (`name(attempt)`) under `prefix`
// that no one holds, with `value`.
struct KeyPlan {
  std::string prefix;
  std::function<std::string(int attempt)> name;
  int attempts = 1;
  std::string value;
};

// An instance's registration: a fresh instance id under its service's prefix, with its document.
KeyPlan InstancePlan(const Instance& instance);
// A node id of `service` in [0, max_id]: the lowest free one under /seckill/nodes/<service>/.
KeyPlan NodeIdPlan(const std::string& service, int max_id, const std::string& holder);

// A key held under a lease while the instance runs (its registration, or a node id it leases).
// Start() takes a key of the plan (create-only) under a fresh lease and keeps the lease alive
// every TTL/3; when a keep-alive finds the lease gone (etcd lost it, or the instance was paused
// past the TTL) it grants a new one and takes a key again, the same one if it is still free.
// While etcd is unreachable it keeps trying; clients meanwhile serve from their last known set.
class Registration {
 public:
  Registration(boost::asio::any_io_executor executor, etcd::Options options, KeyPlan plan,
               std::chrono::seconds ttl);
  // An instance's registration (InstancePlan).
  Registration(boost::asio::any_io_executor executor, etcd::Options options,
               const Instance& instance, std::chrono::seconds ttl)
      : Registration(executor, std::move(options), InstancePlan(instance), ttl) {}
  ~Registration();

  // Takes a key (a create-only transaction per candidate) and starts the keep-alive; the error
  // when etcd refused, could not be reached, or every candidate was taken (ALREADY_EXISTS).
  base::AsyncStatus Start();
  // Deregisters (deletes the key and revokes the lease) and stops the keep-alive; the first
  // step of a graceful stop, before draining. Best effort: an unreachable etcd lets the lease
  // expire instead.
  base::AsyncStatus Stop();

  // The key held now (its last segment is the name the plan chose), "" before Start().
  std::string key() const;
  // The held key's name while the lease is certainly live: renewed less than its TTL ago,
  // counted from before the renewal was sent (etcd counts from when it arrived); nullopt
  // otherwise. What a node id's holder checks before each use.
  std::optional<std::string> HeldName() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// An instance's Registration as its base::Presence, for the service hosts: Announce() starts it,
// Withdraw() stops it, each run on `executor` (running on another thread) and waited for.
class Announcement final : public base::Presence {
 public:
  Announcement(boost::asio::any_io_executor executor, etcd::Options options,
               const Instance& instance, std::chrono::seconds ttl)
      : executor_(executor), registration_(executor, std::move(options), instance, ttl) {}
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
