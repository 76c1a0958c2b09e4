#include "libs/mysql/pool.h"

namespace seckill::mysql {

absl::StatusOr<Pool::Lease> Pool::Acquire(std::chrono::milliseconds wait) {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, wait, [&] { return !idle_.empty() || open_ < capacity_; })) {
    return absl::ResourceExhaustedError("all database connections are busy");
  }
  if (!idle_.empty()) {
    std::unique_ptr<Connection> conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(conn));
  }
  ++open_;
  lock.unlock();
  auto conn = Connection::Open(options_);
  if (!conn.ok()) {
    std::lock_guard relock(mu_);
    --open_;
    cv_.notify_one();
    return conn.status();
  }
  return Lease(this, std::move(*conn));
}

bool Pool::Ping(std::chrono::milliseconds wait) {
  auto conn = Acquire(wait);
  return conn.ok() && (*conn)->Query("SELECT 1").ok();
}

void Pool::Return(std::unique_ptr<Connection> conn) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(conn));
  cv_.notify_one();
}

}  // namespace seckill::mysql
