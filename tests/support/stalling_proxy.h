#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace seckill::testing {

// A loopback TCP proxy in front of one upstream that can go silent: while stalled it neither
// forwards a byte nor accepts a connection, so its clients see a peer that stopped answering
// without any reset or close (a silent network partition, without touching the host's firewall).
// Resume() drops the connections that were stalled (what a partition long enough to kill them
// does) and forwards again for new ones.
class StallingProxy {
 public:
  StallingProxy(std::string upstream_host, int upstream_port);
  ~StallingProxy();
  StallingProxy(const StallingProxy&) = delete;
  StallingProxy& operator=(const StallingProxy&) = delete;

  int port() const { return port_; }
  // Both return once the proxy thread has acted: nothing is forwarded after Stall() returns.
  void Stall();
  void Resume();

 private:
  struct Pair {
    int client = -1;
    int upstream = -1;
  };
  void Loop();
  void Accept();
  void Close(Pair& pair);

  std::string upstream_host_;
  int upstream_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stalled_{false};
  std::atomic<bool> resume_requested_{false};
  std::atomic<bool> stall_in_effect_{false};
  std::atomic<bool> stop_{false};
  std::vector<Pair> pairs_;  // proxy thread only
  std::thread thread_;
};

}  // namespace seckill::testing
