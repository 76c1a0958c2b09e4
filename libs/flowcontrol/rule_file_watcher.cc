#include "libs/flowcontrol/rule_file_watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fmt/format.h"
#include "spdlog/spdlog.h"

namespace seckill::flowcontrol {

absl::Status ApplyRulesText(Engine& engine, std::string_view text) {
  absl::StatusOr<RuleDocument> document = ParseRules(text);
  if (!document.ok()) return document.status();
  return engine.Load(std::move(*document));
}

RuleFileWatcher::RuleFileWatcher(Engine& engine, std::string path,
                                 std::chrono::milliseconds poll_interval, Loader loader)
    : engine_(engine),
      loader_(loader
                  ? std::move(loader)
                  : [&engine](RuleDocument document) { return engine.Load(std::move(document)); }),
      path_(std::move(path)),
      poll_interval_(poll_interval) {
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

RuleFileWatcher::~RuleFileWatcher() {
  Stop();
  if (wake_fd_ >= 0) close(wake_fd_);
}

absl::Status RuleFileWatcher::LoadNow() {
  std::ifstream in(path_);
  if (!in) return absl::NotFoundError(fmt::format("flow rules file {} not found", path_));
  std::stringstream buffer;
  buffer << in.rdbuf();
  last_content_ = buffer.str();
  last_missing_ = false;
  absl::StatusOr<RuleDocument> document = ParseRules(last_content_);
  absl::Status applied = document.ok() ? loader_(*std::move(document)) : document.status();
  if (applied.ok()) {
    ++reloads_;
    spdlog::info("flow rules loaded from {} (version {})", path_, engine_.version());
  } else {
    ++failures_;
    spdlog::error("flow rules in {} refused, the previous rules stay in force: {}", path_,
                  std::string(applied.message()));
  }
  return applied;
}

void RuleFileWatcher::CheckFile() {
  std::ifstream in(path_);
  if (!in) {
    if (last_missing_) return;
    last_missing_ = true;
    if (engine_.rules().on_delete == OnDelete::kClear) {
      RuleDocument empty;
      empty.on_delete = OnDelete::kClear;
      (void)loader_(empty);
      spdlog::warn("flow rules file {} deleted: rules cleared (onDelete CLEAR)", path_);
    } else {
      spdlog::warn("flow rules file {} deleted: the previous rules stay in force", path_);
    }
    return;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!last_missing_ && buffer.str() == last_content_) return;
  (void)LoadNow();
}

void RuleFileWatcher::Start() {
  stop_ = false;
  const std::filesystem::path file(path_);
  const std::string dir = file.has_parent_path() ? file.parent_path().string() : ".";
  inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ >= 0 &&
      inotify_add_watch(inotify_fd_, dir.c_str(),
                        IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM) < 0) {
    close(inotify_fd_);
    inotify_fd_ = -1;
  }
  if (inotify_fd_ < 0)
    spdlog::warn("inotify unavailable for {}; polling every {} ms", dir, poll_interval_.count());
  thread_ = std::thread([this] { Run(); });
}

void RuleFileWatcher::Stop() {
  stop_ = true;
  const uint64_t one = 1;
  if (wake_fd_ >= 0) [[maybe_unused]]
    auto n = write(wake_fd_, &one, sizeof(one));
  if (thread_.joinable()) thread_.join();
}

void RuleFileWatcher::Run() {
  const std::string name = std::filesystem::path(path_).filename().string();
  const int inotify = inotify_fd_;
  auto next_poll = std::chrono::steady_clock::now() + poll_interval_;
  while (!stop_) {
    const auto now = std::chrono::steady_clock::now();
    const int timeout = static_cast<int>(std::max<int64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(next_poll - now).count(), 0));
    pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {inotify, POLLIN, 0}};
    const int ready = poll(fds, inotify >= 0 ? 2 : 1, timeout);
    if (stop_) break;
    bool ours = false;
    if (ready > 0 && inotify >= 0 && (fds[1].revents & POLLIN)) {
      alignas(inotify_event) char buffer[4096];
      ssize_t len;
      while ((len = read(inotify, buffer, sizeof(buffer))) > 0) {
        for (char* p = buffer; p < buffer + len;) {
          auto* event = reinterpret_cast<inotify_event*>(p);
          if (event->len > 0 && name == event->name) ours = true;
          p += sizeof(inotify_event) + event->len;
        }
      }
    }
    if (ours) {
      // Debounce: editors write in several steps; wait until the burst is over.
      pollfd quiet{inotify, POLLIN, 0};
      while (!stop_ && poll(&quiet, 1, 100) > 0) {
        alignas(inotify_event) char drain[4096];
        while (read(inotify, drain, sizeof(drain)) > 0) {
        }
      }
      CheckFile();
    }
    if (std::chrono::steady_clock::now() >= next_poll) {
      CheckFile();
      next_poll = std::chrono::steady_clock::now() + poll_interval_;
    }
  }
  if (inotify >= 0) close(inotify);
  inotify_fd_ = -1;
}

}  // namespace seckill::flowcontrol
