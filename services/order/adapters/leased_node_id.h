#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "boost/asio/any_io_executor.hpp"
#include "libs/discovery/registry.h"
#include "services/order/domain/order.h"

namespace seckill::order::adapters {

// The node id of this order instance, leased in etcd (/seckill/nodes/order/<id>, the lowest
// free one): no two live instances hold the same, and a restarted instance takes none whose
// lease still runs. Current() answers only while the lease is certainly live, so an instance
// that lost it (paused past the TTL, cut off from etcd) mints no id another may now hold.
class LeasedNodeId final : public domain::NodeIdSource {
 public:
  LeasedNodeId(boost::asio::any_io_executor executor, etcd::Options options,
               std::chrono::seconds ttl);
  // Takes an id (retrying while etcd cannot be reached) and keeps it; runs on the executor.
  void Start();
  // Gives the id back; after the server has drained (ids are minted until then). Blocks until
  // etcd answered, while the executor runs on another thread.
  void Stop();
  std::optional<uint16_t> Current() const override;

 private:
  boost::asio::any_io_executor executor_;
  discovery::Registration lease_;
  // Set by Stop: a start still retrying gives up rather than lease an id after the revoke.
  std::shared_ptr<std::atomic<bool>> stopping_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace seckill::order::adapters
