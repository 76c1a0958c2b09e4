#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "libs/flowcontrol/engine.h"

namespace seckill::flowcontrol {

// Parses `text` and loads it into `engine`; any problem leaves the rules in force untouched
// (last-known-good) and is returned.
absl::Status ApplyRulesText(Engine& engine, std::string_view text);

// Keeps an engine's rules in step with a JSON file: inotify on the file's directory (so an
// editor's atomic rename is seen), a 100 ms debounce, and a poll every `poll_interval` as a
// fallback. A broken document is refused with a log line and the old rules stay; a deleted
// file keeps them too, unless the document in force says onDelete CLEAR.
class RuleFileWatcher {
 public:
  // Where a parsed document goes; its answer is the load's. Default: the engine's Load.
  using Loader = std::function<absl::Status(RuleDocument)>;

  RuleFileWatcher(Engine& engine, std::string path,
                  std::chrono::milliseconds poll_interval = std::chrono::seconds(3),
                  Loader loader = nullptr);
  ~RuleFileWatcher();

  // Loads the file once, now. NOT_FOUND when it is missing.
  absl::Status LoadNow();
  void Start();
  void Stop();

  uint64_t reloads() const { return reloads_.load(); }
  uint64_t failures() const { return failures_.load(); }

 private:
  void Run();
  // Reloads when the file's content differs from what was last seen.
  void CheckFile();

  Engine& engine_;
  const Loader loader_;
  const std::string path_;
  const std::chrono::milliseconds poll_interval_;
  std::string last_content_;
  bool last_missing_ = false;
  std::atomic<bool> stop_{false};
  int wake_fd_ = -1;
  int inotify_fd_ = -1;  // watched before Start returns, so no edit after it is missed
  std::thread thread_;
  std::atomic<uint64_t> reloads_{0}, failures_{0};
};

}  // namespace seckill::flowcontrol
