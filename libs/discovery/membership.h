#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "boost/asio/any_io_executor.hpp"
#include "libs/discovery/registry.h"
#include "libs/discovery/settings.h"

namespace seckill::discovery {

// This instance's place among the live instances of its service, for what is shared among them
// (a cluster-wide limit): `members` instances, this one the `rank`-th (from 0) in the order of
// their addresses. This instance always counts itself, also before it has registered or after
// its key lapsed; while etcd is unreachable the last set stands. Without discovery: (0, 1).
class Membership {
 public:
  using OnChange = std::function<void(size_t rank, size_t members)>;

  Membership(boost::asio::any_io_executor executor, const Settings& settings,
             const std::string& service, std::string self_address, OnChange on_change);
  // Reports (0, 1) at once; with discovery, the place once the instances are read, then each
  // change of it.
  void Start();
  void Stop();

  // `self` counted among `addresses` (sorted and unique, as ServiceWatch reports them).
  static std::pair<size_t, size_t> PlaceOf(const std::string& self,
                                           std::vector<std::string> addresses);

 private:
  OnChange on_change_;
  std::optional<ServiceWatch> watch_;
};

}  // namespace seckill::discovery
