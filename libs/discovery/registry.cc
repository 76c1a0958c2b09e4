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
#include "libs/base/backoff.h"
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

KeyPlan InstancePlan(const Instance& instance) {
  return KeyPlan{.prefix = ServicePrefix(instance.service),
                 .name = [](int) { return NewInstanceId(); },
                 .attempts = 5,
                 .value = EncodeInstance(instance, NowMs())};
}

KeyPlan NodeIdPlan(const std::string& service, int max_id, const std::string& holder) {
  return KeyPlan{.prefix = fmt::format("/seckill/nodes/{}/", service),
                 .name = [](int attempt) { return std::to_string(attempt); },
                 .attempts = max_id + 1,
                 .value = holder};
}

struct Registration::State {
  using Clock = std::chrono::steady_clock;

  State(asio::any_io_executor executor_in, etcd::Options options_in, KeyPlan plan_in,
        std::chrono::seconds ttl_in)
      : executor(executor_in),
        options(std::move(options_in)),
        client(executor_in, options),
        plan(std::move(plan_in)),
        ttl(ttl_in),
        timer(executor_in) {}

  asio::any_io_executor executor;
  etcd::Options options;
  etcd::Client client;  // the keep-alive's; Stop() uses one of its own
  const KeyPlan plan;
  std::chrono::seconds ttl;
  asio::steady_timer timer;
  mutable std::mutex mu;
  std::string name;                // under mu
  int64_t lease = 0;               // under mu
  Clock::time_point live_until{};  // under mu: the lease is certainly live before this
  bool stopped = false;            // under mu

  absl::Status Fail(const absl::Status& status, std::string_view step) const {
    return absl::Status(status.code(), fmt::format("holding a key under {} in etcd: {}: {}",
                                                   plan.prefix, step, base::Message(status)));
  }

  // A fresh lease and a key under it. With `keep_name` the name held before is tried first (a
  // re-registration after the lease was lost keeps it when it is still free).
  asio::awaitable<absl::Status> Register(bool keep_name) {
    const Clock::time_point asked = Clock::now();
    auto granting = client.GrantLease(ttl);
    absl::StatusOr<int64_t> granted = co_await std::move(granting);
    if (!granted.ok()) co_return Fail(granted.status(), "granting a lease");
    std::string previous;
    {
      std::lock_guard lock(mu);
      previous = name;
    }
    for (int attempt = keep_name ? -1 : 0; attempt < plan.attempts; ++attempt) {
      const std::string candidate = attempt < 0 ? previous : plan.name(attempt);
      auto creating = client.CreateIfAbsent(plan.prefix + candidate, plan.value, *granted);
      absl::StatusOr<bool> created = co_await std::move(creating);
      if (!created.ok()) co_return Fail(created.status(), "creating " + plan.prefix + candidate);
      if (*created) {
        std::lock_guard lock(mu);
        name = candidate;
        lease = *granted;
        live_until = asked + ttl;
        co_return absl::OkStatus();
      }
    }
    co_return absl::AlreadyExistsError(fmt::format(
        "holding a key under {} in etcd: all {} candidates are taken", plan.prefix, plan.attempts));
  }

  std::string Key() const {
    std::lock_guard lock(mu);
    return name.empty() ? std::string() : plan.prefix + name;
  }

  bool Stopped() const {
    std::lock_guard lock(mu);
    return stopped;
  }

  static asio::awaitable<void> KeepAlive(std::shared_ptr<State> self) {
    bool warned = false;
    // A third of the TTL, so two renewals may fail before the lease ends; after a failed renewal
    // the next one comes soon (etcd may be back for only a moment), not a third of the TTL later.
    const std::chrono::milliseconds period =
        std::max<std::chrono::milliseconds>(std::chrono::milliseconds(100), self->ttl / 3);
    base::Backoff retry(std::chrono::milliseconds(100),
                        std::min<std::chrono::milliseconds>(std::chrono::seconds(1), period));
    while (true) {
      self->timer.expires_after(warned ? retry.Next() : period);
      (void)co_await self->timer.async_wait(asio::as_tuple(asio::use_awaitable));
      if (self->Stopped()) co_return;
      int64_t lease = 0;
      {
        std::lock_guard lock(self->mu);
        lease = self->lease;
      }
      const Clock::time_point asked = Clock::now();
      auto renewing = self->client.KeepAlive(lease);
      absl::StatusOr<int64_t> renewed = co_await std::move(renewing);
      if (self->Stopped()) co_return;
      if (renewed.ok()) {
        std::lock_guard lock(self->mu);
        self->live_until = asked + std::chrono::seconds(*renewed);
      }
      absl::Status problem = renewed.status();
      if (absl::IsNotFound(problem)) {
        {
          // Lost: what it held may be someone else's by now.
          std::lock_guard lock(self->mu);
          self->live_until = Clock::time_point{};
        }
        // The lease is gone and the key with it: register again under a new one.
        auto registering = self->Register(/*keep_name=*/true);
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
          spdlog::warn("etcd: a lease under {} had expired; holding {} again", self->plan.prefix,
                       self->Key());
        }
      }
      if (problem.ok()) {
        if (warned) spdlog::info("etcd: keeping {} again", self->Key());
        warned = false;
        retry.Reset();
      } else if (!warned) {
        spdlog::warn("etcd: keeping {}: {} (retrying)", self->Key(), base::Message(problem));
        warned = true;
      }
    }
  }
};

Registration::Registration(asio::any_io_executor executor, etcd::Options options, KeyPlan plan,
                           std::chrono::seconds ttl)
    // A strand: Stop() may come from another thread of a multi-threaded context.
    : state_(std::make_shared<State>(asio::make_strand(executor), std::move(options),
                                     std::move(plan), ttl)) {}

Registration::~Registration() {
  std::lock_guard lock(state_->mu);
  state_->stopped = true;
  asio::post(state_->executor, [state = state_] { state->timer.cancel(); });
}

base::AsyncStatus Registration::Start() {
  auto registering = state_->Register(/*keep_name=*/false);
  absl::Status registered = co_await std::move(registering);
  if (!registered.ok()) co_return registered;
  spdlog::info("etcd: holding {} -> {} (lease TTL {} s)", state_->Key(), state_->plan.value,
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
    key = state_->name.empty() ? std::string() : state_->plan.prefix + state_->name;
    lease = state_->lease;
    state_->live_until = State::Clock::time_point{};
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

std::string Registration::key() const { return state_->Key(); }

std::optional<std::string> Registration::HeldName() const {
  std::lock_guard lock(state_->mu);
  if (state_->name.empty() || State::Clock::now() >= state_->live_until) return std::nullopt;
  return state_->name;
}

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
