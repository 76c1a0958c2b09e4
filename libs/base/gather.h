#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"

namespace seckill::base {

// Joins `n` (> 0) callback-style operations started together (e.g. pipelined Redis calls):
// `Slot(i)` is the callback of the i-th. When the last one has run, `done` gets every value in slot
// order, or the first error any of them reported. Slots may run on any thread, each exactly
// once; `done` runs on the thread of the last one.
template <class T>
class Gather {
 public:
  using Done = std::function<void(absl::StatusOr<std::vector<T>>)>;

  static std::shared_ptr<Gather> Of(size_t n, Done done) {
    return std::shared_ptr<Gather>(new Gather(n, std::move(done)));
  }

  static std::function<void(absl::StatusOr<T>)> Slot(const std::shared_ptr<Gather>& self,
                                                     size_t i) {
    return [self, i](absl::StatusOr<T> value) { self->Put(i, std::move(value)); };
  }

 private:
  Gather(size_t n, Done done) : values_(n), left_(n), done_(std::move(done)) {}

  void Put(size_t i, absl::StatusOr<T> value) {
    {
      std::lock_guard lock(mu_);
      if (value.ok()) {
        values_[i] = std::move(*value);
      } else if (error_.ok()) {
        error_ = value.status();
      }
      if (--left_ != 0) return;
    }
    if (!error_.ok()) return done_(error_);
    std::vector<T> out;
    out.reserve(values_.size());
    for (std::optional<T>& v : values_) out.push_back(std::move(*v));
    done_(std::move(out));
  }

  std::mutex mu_;
  std::vector<std::optional<T>> values_;
  size_t left_;
  absl::Status error_;
  Done done_;
};

}  // namespace seckill::base
