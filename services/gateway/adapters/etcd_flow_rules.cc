#include "services/gateway/adapters/etcd_flow_rules.h"

#include "boost/asio/this_coro.hpp"

namespace seckill::gateway::adapters {

EtcdFlowRules::EtcdFlowRules(boost::asio::any_io_executor executor, etcd::Options options,
                             OnChange on_change)
    : options_(options),
      watch_(std::move(executor), std::move(options), kKey,
             [on_change = std::move(on_change)](const etcd::PrefixWatch::Snapshot& keys) {
               // The prefix is the key itself: only an exact match is the document.
               auto it = keys.find(kKey);
               on_change(it == keys.end() ? std::nullopt : std::optional<std::string>(it->second));
             }) {}

base::AsyncStatus EtcdFlowRules::Publish(std::string document) {
  const boost::asio::any_io_executor executor = co_await boost::asio::this_coro::executor;
  etcd::Client client(executor, options_);
  auto putting = client.Put(kKey, std::move(document));
  co_return co_await std::move(putting);
}

}  // namespace seckill::gateway::adapters
