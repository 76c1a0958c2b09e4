#include "libs/discovery/registry.h"

#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <utility>

#include "boost/asio/as_tuple.hpp"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "boost/asio/use_future.hpp"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "fmt/format.h"
#include "libs/base/status.h"
#include "spdlog/spdlog.h"

namespace seckill::discovery {

namespace asio = boost::asio;
namespace json = boost::json;

std::string ServicePrefix(const std::string& service) {
  return fmt::format("{}{}/", kServicesPrefix, service);
}

std::string EncodeInstance(const Instance& instance, int64_t started_at_ms) {
  return json::serialize(json::object{{"addr", instance.addr},
                                      {"version", instance.version},
                                      {"started_at", started_at_ms},
                                      {"weight", instance.weight}});
}

absl::StatusOr<std::string> DecodeAddress(const std::string& value) {
  boost::system::error_code ec;
  json::value parsed = json::parse(value, ec);
  const json::value* addr =
      (!ec && parsed.is_object()) ? parsed.as_object().if_contains("addr") : nullptr;
  if (addr == nullptr || !addr->is_string() || addr->as_string().empty()) {
    return absl::InvalidArgumentError("not an instance document (no \"addr\")");
  }
  return std::string(addr->as_string());
}

namespace {

// <host>-<pid>-<random>: readable in `etcdctl get`, and unique in practice; the create-only
// transaction makes it unique for certain.
std::string NewInstanceId() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  std::random_device random;
  return fmt::format("{}-{}-{:04x}", host[0] != '\0' ? host : "host", getpid(), random() & 0xffff);
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct Registration::State {
  State(asio::any_io_executor executor_in, etcd::Options options_in, Instance instance_in,
        std::chrono::seconds ttl_in)
      : executor(executor_in),
        options(std::move(options_in)),
        client(executor_in, options),
        instance(std::move(instance_in)),
        ttl(ttl_in),
        timer(executor_in),
        started_at_ms(NowMs()) {}

  asio::any_io_executor executor;
  etcd::Options options;
  etcd::Client client;  // the keep-alive's; Stop() uses one of its own
  Instance instance;
  std::chrono::seconds ttl;
  asio::steady_timer timer;
  int64_t started_at_ms;
  std::string instance_id;
  std::string key;
  std::mutex mu;
  int64_t lease = 0;     // under mu
  bool stopped = false;  // under mu

  absl::Status Fail(const absl::Status& status, std::string_view step) {
    return absl::Status(status.code(), fmt::format("registering {} in etcd: {}: {}",
                                                   instance.service, step, base::Message(status)));
  }

  // A fresh lease and the key under it. With `keep_id` the same instance id is tried first (a
  // re-registration after the lease was lost keeps the instance's name).
  asio::awaitable<absl::Status> Register(bool keep_id) {
    auto granting = client.GrantLease(ttl);
    absl::StatusOr<int64_t> granted = co_await std::move(granting);
    if (!granted.ok()) co_return Fail(granted.status(), "granting a lease");
    const std::string value = EncodeInstance(instance, started_at_ms);
    for (int attempt = 0; attempt < 5; ++attempt) {
      const std::string id = (keep_id && attempt == 0) ? instance_id : NewInstanceId();
      const std::string candidate = ServicePrefix(instance.service) + id;
      auto creating = client.CreateIfAbsent(candidate, value, *granted);
      absl::StatusOr<bool> created = co_await std::move(creating);
      if (!created.ok()) co_return Fail(created.status(), "creating " + candidate);
      if (*created) {
        std::lock_guard lock(mu);
        instance_id = id;
        key = candidate;
        lease = *granted;
        co_return absl::OkStatus();
      }
    }
    co_return absl::AlreadyExistsError(fmt::format(
        "registering {} in etcd: 5 instance ids in a row were taken", instance.service));
  }

  bool Stopped() {
    std::lock_guard lock(mu);
    return stopped;
  }

  static asio::awaitable<void> KeepAlive(std::shared_ptr<State> self) {
    bool warned = false;
    while (true) {
      // A third of the TTL: two renewals may fail before the lease ends.
      self->timer.expires_after(
          std::max<std::chrono::milliseconds>(std::chrono::milliseconds(100), self->ttl / 3));
      (void)co_await self->timer.async_wait(asio::as_tuple(asio::use_awaitable));
      if (self->Stopped()) co_return;
      int64_t lease = 0;
      {
        std::lock_guard lock(self->mu);
        lease = self->lease;
      }
      auto renewing = self->client.KeepAlive(lease);
      absl::StatusOr<int64_t> renewed = co_await std::move(renewing);
      if (self->Stopped()) co_return;
      absl::Status problem = renewed.status();
      if (absl::IsNotFound(problem)) {
        // The lease is gone and the key with it: register again under a new one.
        auto registering = self->Register(/*keep_id=*/true);
        problem = co_await std::move(registering);
        if (problem.ok() && self->Stopped()) {
          // Stop() revoked the lease it saw, not this new one.
          int64_t renewed_lease = 0;
          {
            std::lock_guard lock(self->mu);
            renewed_lease = self->lease;
          }
          auto revoking = self->client.RevokeLease(renewed_lease);
          (void)co_await std::move(revoking);
          co_return;
        }
        if (problem.ok()) {
          spdlog::warn("etcd: the lease of {} had expired; registered again", self->key);
        }
      }
      if (problem.ok()) {
        if (warned) spdlog::info("etcd: keeping {} registered again", self->key);
        warned = false;
      } else if (!warned) {
        spdlog::warn("etcd: keeping {} registered: {} (retrying)", self->key,
                     base::Message(problem));
        warned = true;
      }
    }
  }
};

Registration::Registration(asio::any_io_executor executor, etcd::Options options, Instance instance,
                           std::chrono::seconds ttl)
    // A strand: Stop() may come from another thread of a multi-threaded context.
    : state_(std::make_shared<State>(asio::make_strand(executor), std::move(options),
                                     std::move(instance), ttl)) {}

Registration::~Registration() {
  std::lock_guard lock(state_->mu);
  state_->stopped = true;
  asio::post(state_->executor, [state = state_] { state->timer.cancel(); });
}

base::AsyncStatus Registration::Start() {
  auto registering = state_->Register(/*keep_id=*/false);
  absl::Status registered = co_await std::move(registering);
  if (!registered.ok()) co_return registered;
  spdlog::info("etcd: registered {} -> {} (lease TTL {} s)", state_->key, state_->instance.addr,
               state_->ttl.count());
  asio::co_spawn(state_->executor, State::KeepAlive(state_), asio::detached);
  co_return absl::OkStatus();
}

base::AsyncStatus Registration::Stop() {
  std::string key;
  int64_t lease = 0;
  {
    std::lock_guard lock(state_->mu);
    if (state_->stopped) co_return absl::OkStatus();
    state_->stopped = true;
    key = state_->key;
    lease = state_->lease;
  }
  asio::post(state_->executor, [state = state_] { state->timer.cancel(); });
  if (lease == 0) co_return absl::OkStatus();
  // Revoking the lease deletes the key with it, in one step.
  etcd::Client client(state_->executor, state_->options);
  auto revoking = client.RevokeLease(lease);
  absl::Status revoked = co_await std::move(revoking);
  if (!revoked.ok()) {
    spdlog::warn("etcd: deregistering {}: {} (it goes when its lease expires)", key,
                 base::Message(revoked));
  } else {
    spdlog::info("etcd: deregistered {}", key);
  }
  co_return revoked;
}

const std::string& Registration::instance_id() const { return state_->instance_id; }
const std::string& Registration::key() const { return state_->key; }

absl::Status Announcement::Announce() {
  return asio::co_spawn(executor_, registration_.Start(), asio::use_future).get();
}

void Announcement::Withdraw() {
  (void)asio::co_spawn(executor_, registration_.Stop(), asio::use_future).get();
}

ServiceWatch::ServiceWatch(asio::any_io_executor executor, etcd::Options options,
                           const std::string& service, OnChange on_change)
    : watch_(executor, std::move(options), ServicePrefix(service),
             [on_change = std::move(on_change), last = std::optional<std::vector<std::string>>()](
                 const etcd::PrefixWatch::Snapshot& snapshot) mutable {
               std::set<std::string> unique;
               for (const auto& [key, value] : snapshot) {
                 auto addr = DecodeAddress(value);
                 if (addr.ok()) {
                   unique.insert(*addr);
                 } else {
                   spdlog::warn("etcd: skipping {}: {}", key, base::Message(addr.status()));
                 }
               }
               std::vector<std::string> addresses(unique.begin(), unique.end());
               // A renewal or re-registration at the same address changes nothing for callers.
               if (last && *last == addresses) return;
               last = addresses;
               on_change(addresses);
             }) {}

}  // namespace seckill::discovery
