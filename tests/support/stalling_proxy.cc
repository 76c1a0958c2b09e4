#include "tests/support/stalling_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace seckill::testing {

StallingProxy::StallingProxy(std::string upstream_host, int upstream_port)
    : upstream_host_(std::move(upstream_host)), upstream_port_(upstream_port) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      listen(listen_fd_, 16) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("StallingProxy: cannot listen on loopback");
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Loop(); });
}

StallingProxy::~StallingProxy() {
  stop_ = true;
  thread_.join();
  for (Pair& p : pairs_) Close(p);
  close(listen_fd_);
}

void StallingProxy::Stall() {
  stalled_ = true;
  while (!stall_in_effect_) usleep(1000);
}

void StallingProxy::Resume() {
  resume_requested_ = true;
  while (stall_in_effect_) usleep(1000);
}

void StallingProxy::Close(Pair& pair) {
  if (pair.client >= 0) close(pair.client);
  if (pair.upstream >= 0) close(pair.upstream);
  pair = Pair{};
}

void StallingProxy::Accept() {
  const int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (client < 0) return;
  const int upstream = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(upstream_port_));
  inet_pton(AF_INET, upstream_host_.c_str(), &addr.sin_addr);
  if (upstream < 0 || connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(client);
    if (upstream >= 0) close(upstream);
    return;
  }
  pairs_.push_back(Pair{client, upstream});
}

void StallingProxy::Loop() {
  char buffer[16 * 1024];
  while (!stop_) {
    if (resume_requested_.exchange(false)) {
      for (Pair& p : pairs_) Close(p);
      pairs_.clear();
      stalled_ = false;
      stall_in_effect_ = false;
    }
    if (stalled_) {  // nothing moves: bytes wait in the kernel's buffers, connects in the backlog
      stall_in_effect_ = true;
      usleep(10'000);
      continue;
    }
    std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}};
    for (const Pair& p : pairs_) {
      fds.push_back({p.client, POLLIN, 0});
      fds.push_back({p.upstream, POLLIN, 0});
    }
    if (poll(fds.data(), fds.size(), 20) <= 0) continue;
    if (fds[0].revents & POLLIN) Accept();
    for (size_t i = 0; i < pairs_.size() && 1 + 2 * i + 1 < fds.size(); ++i) {
      Pair& p = pairs_[i];
      for (int side = 0; side < 2 && p.client >= 0; ++side) {
        if ((fds[1 + 2 * i + side].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
        const int from = side == 0 ? p.client : p.upstream;
        const int to = side == 0 ? p.upstream : p.client;
        const ssize_t n = read(from, buffer, sizeof(buffer));
        if (n <= 0 || send(to, buffer, static_cast<size_t>(n), MSG_NOSIGNAL) != n) Close(p);
      }
    }
    std::erase_if(pairs_, [](const Pair& p) { return p.client < 0; });
  }
}

}  // namespace seckill::testing
