#pragma once

#include <functional>
#include <optional>
#include <string>

#include "boost/asio/any_io_executor.hpp"
#include "libs/etcd/client.h"
#include "libs/etcd/watch.h"
#include "services/gateway/domain/flow_rules_store.h"

namespace seckill::gateway::adapters {

// The cluster's flow rules in etcd, one document at kKey: Publish puts it there; the watch
// reports it (nullopt when there is none) to `on_change` after each read of etcd and each change,
// so every gateway applies a new document within the watch's latency (milliseconds). While etcd
// is unreachable the last document reported stands.
class EtcdFlowRules final : public domain::FlowRulesStore {
 public:
  static constexpr char kKey[] = "/seckill/config/flow-rules";
  using OnChange = std::function<void(const std::optional<std::string>& document)>;

  EtcdFlowRules(boost::asio::any_io_executor executor, etcd::Options options, OnChange on_change);

  void Start() { watch_.Start(); }
  void Stop() { watch_.Stop(); }
  // A client of its own per call (an etcd::Client makes one request at a time): rare, admin only.
  base::AsyncStatus Publish(std::string document) override;

 private:
  const etcd::Options options_;
  etcd::PrefixWatch watch_;
};

}  // namespace seckill::gateway::adapters
