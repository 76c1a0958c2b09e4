#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "boost/asio/any_io_executor.hpp"
#include "libs/etcd/client.h"

namespace seckill::etcd {

// Every key under a prefix, kept current: reads them, then watches from the revision after the
// read; when the watch breaks (etcd restarted, the revision was compacted) it reads again, after
// a back-off while etcd cannot be reached. While etcd is away the last set stands: nothing is
// reported until a read succeeds.
class PrefixWatch {
 public:
  // key -> value of every key under the prefix.
  using Snapshot = std::map<std::string, std::string>;
  // Called on the executor with the whole set after each read and after each change.
  using OnChange = std::function<void(const Snapshot&)>;

  PrefixWatch(boost::asio::any_io_executor executor, Options options, std::string prefix,
              OnChange on_change);
  ~PrefixWatch();
  PrefixWatch(const PrefixWatch&) = delete;
  PrefixWatch& operator=(const PrefixWatch&) = delete;

  void Start();
  // Ends the watch: no call of `on_change` starts after this returns (one in progress on another
  // thread finishes first). Call from any thread, while the executor runs; not from on_change.
  void Stop();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace seckill::etcd
