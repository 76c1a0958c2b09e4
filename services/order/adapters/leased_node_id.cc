#include "services/order/adapters/leased_node_id.h"

#include <unistd.h>

#include "boost/asio/as_tuple.hpp"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "boost/asio/use_future.hpp"
#include "fmt/format.h"
#include "libs/base/backoff.h"
#include "libs/base/status.h"
#include "spdlog/spdlog.h"

namespace seckill::order::adapters {

namespace asio = boost::asio;

LeasedNodeId::LeasedNodeId(asio::any_io_executor executor, etcd::Options options,
                           std::chrono::seconds ttl)
    : executor_(executor),
      lease_(executor, std::move(options),
             discovery::NodeIdPlan("order", domain::OrderIdGenerator::kMaxNodeId,
                                   fmt::format("{{\"pid\":{}}}", getpid())),
             ttl) {}

void LeasedNodeId::Start() {
  asio::co_spawn(
      executor_,
      [this, stopping = stopping_]() -> asio::awaitable<void> {
        base::Backoff backoff(std::chrono::milliseconds(200), std::chrono::seconds(5));
        while (!stopping->load()) {
          auto taking = lease_.Start();
          const absl::Status taken = co_await std::move(taking);
          if (taken.ok()) {
            spdlog::info("order node id {} leased ({})", lease_.HeldName().value_or("?"),
                         lease_.key());
            co_return;
          }
          spdlog::warn("no order node id yet: {} (orders are refused until one is leased)",
                       base::Message(taken));
          asio::steady_timer pause(executor_, backoff.Next());
          (void)co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        }
      },
      asio::detached);
}

void LeasedNodeId::Stop() {
  stopping_->store(true);
  (void)asio::co_spawn(executor_, lease_.Stop(), asio::use_future).get();
}

std::optional<uint16_t> LeasedNodeId::Current() const {
  const std::optional<std::string> name = lease_.HeldName();
  if (!name) return std::nullopt;
  return static_cast<uint16_t>(std::stoi(*name));
}

}  // namespace seckill::order::adapters
