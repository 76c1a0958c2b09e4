#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/mysql/connection.h"

namespace seckill::mysql {

// A fixed-size set of connections for worker threads. Thread-safe.
class Pool {
 public:
  // A borrowed connection, returned to the pool when the lease is destroyed.
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (conn_ != nullptr) pool_->Return(std::move(conn_));
    }
    Connection* operator->() const { return conn_.get(); }
    Connection& operator*() const { return *conn_; }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  // Connections are opened lazily, up to `size`.
  Pool(ConnectionOptions options, size_t size) : options_(std::move(options)), capacity_(size) {}

  // Waits up to `wait` for a free connection: UNAVAILABLE when the server cannot be reached,
  // RESOURCE_EXHAUSTED when every connection stays busy.
  absl::StatusOr<Lease> Acquire(std::chrono::milliseconds wait = std::chrono::milliseconds(5000));
  // True when a connection answers `SELECT 1` (readiness probes). Blocks up to about `wait`.
  bool Ping(std::chrono::milliseconds wait = std::chrono::milliseconds(1000));

 private:
  void Return(std::unique_ptr<Connection> conn);

  ConnectionOptions options_;
  size_t capacity_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  size_t open_ = 0;
};

}  // namespace seckill::mysql
