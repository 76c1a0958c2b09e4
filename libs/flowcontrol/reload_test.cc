// Reload R1-R4 of docs/flow-control-spec.md, and the rules file being watched.
#include <barrier>
#include <filesystem>
#include <fstream>
#include <thread>

#include "gtest/gtest.h"
#include "libs/flowcontrol/engine.h"
#include "libs/flowcontrol/rule_file_watcher.h"

namespace seckill::flowcontrol {
namespace {

using namespace std::chrono_literals;

constexpr char kFiveQps[] = R"({"flowRules":[{"id":"qps","resource":"r","threshold":5}]})";
constexpr char kSevenQps[] = R"({"flowRules":[{"id":"qps","resource":"r","threshold":7}]})";

TEST(ReloadTest, Reload_InvalidDocumentKeepsLastGood) {
  ManualClock clock(10s);
  Engine engine(clock, {"r"});
  ASSERT_TRUE(ApplyRulesText(engine, kFiveQps).ok());
  const uint64_t version = engine.version();
  for (
      const char* bad :
      {"{", "[]", R"({"flowRules":[{"id":"x","resource":"r"}]})",
       R"({"flowRules":[{"id":"x","resource":"r","threshold":-1}]})",
       R"({"flowRules":[{"id":"x","resource":"r","threshold":1,"typo":1}]})",
       R"({"flowRules":[{"id":"x","resource":"r","threshold":1}, {"id":"x","resource":"q","threshold":1}]})",
       R"({"circuitBreakerRules":[{"id":"b","resource":"r","threshold":1.5}]})",
       R"j({"hotspotRules":[{"id":"h","resource":"r","threshold":1,"paramSource":"BODY(x)"}]})j"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(ApplyRulesText(engine, bad))) << bad;
  }
  EXPECT_EQ(engine.version(), version);
  EXPECT_EQ(engine.rules().flow_rules.at(0).threshold, 5);
}

TEST(ReloadTest, Reload_DeleteKeepsLastGoodByDefault) {
  ManualClock clock(10s);
  Engine engine(clock, {"r"});
  ASSERT_TRUE(ApplyRulesText(engine, kFiveQps).ok());
  EXPECT_FALSE(ApplyRulesText(engine, "{}").ok());  // an emptied document keeps the rules
  EXPECT_EQ(engine.rules().flow_rules.size(), 1u);
  ASSERT_TRUE(ApplyRulesText(engine, R"({"onDelete":"CLEAR"})").ok());  // CLEAR: Sentinel behaviour
  EXPECT_TRUE(engine.rules().flow_rules.empty());
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(engine.Enter({"r"}).admitted);
}

TEST(ReloadTest, Reload_StateReuseMatrix) {
  ManualClock clock(10s);
  Engine engine(clock, {"r"});
  ASSERT_TRUE(ApplyRulesText(engine, kFiveQps).ok());
  const void* controller = engine.FlowControllerForTest("qps");
  const void* window = engine.FlowWindowForTest("qps");
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(engine.Enter({"r"}).admitted);
  // Identical: the same controller, its window still full.
  ASSERT_TRUE(ApplyRulesText(engine, kFiveQps).ok());
  EXPECT_EQ(engine.FlowControllerForTest("qps"), controller);
  EXPECT_FALSE(engine.Enter({"r"}).admitted);
  // Stat-compatible (threshold changed): a new controller over the same window.
  ASSERT_TRUE(ApplyRulesText(engine, kSevenQps).ok());
  EXPECT_NE(engine.FlowControllerForTest("qps"), controller);
  EXPECT_EQ(engine.FlowWindowForTest("qps"), window);
  EXPECT_TRUE(engine.Enter({"r"}).admitted);   // 6 of 7
  EXPECT_TRUE(engine.Enter({"r"}).admitted);   // 7 of 7
  EXPECT_FALSE(engine.Enter({"r"}).admitted);  // the 5 before the reload still count
  // Anything else: fresh state.
  ASSERT_TRUE(
      ApplyRulesText(
          engine,
          R"({"flowRules":[{"id":"qps","resource":"r","threshold":7,"statIntervalMs":2000}]})")
          .ok());
  EXPECT_NE(engine.FlowWindowForTest("qps"), window);
  EXPECT_TRUE(engine.Enter({"r"}).admitted);
}

TEST(ReloadTest, Reload_ConcurrentReadersNeverTorn) {
  ManualClock clock(10s);
  Engine engine(clock, {"r"});
  const std::string a = R"({"flowRules":[{"id":"A","resource":"r","threshold":0}]})";
  const std::string b =
      R"({"flowRules":[{"id":"B","resource":"r","threshold":0},{"id":"B2","resource":"r","threshold":0}]})";
  ASSERT_TRUE(ApplyRulesText(engine, a).ok());
  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  std::atomic<int64_t> decisions{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 16; ++t) {
    readers.emplace_back([&] {
      while (!done) {
        Decision d = engine.Enter({"r"});
        // Every decision comes from one whole rule set: blocked by A, or by B's first rule.
        if (d.admitted || (d.rule_id != "A" && d.rule_id != "B")) ++torn;
        ++decisions;
      }
    });
  }
  for (int i = 0; i < 10'000; ++i) ASSERT_TRUE(ApplyRulesText(engine, i % 2 ? a : b).ok());
  done = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_GT(decisions.load(), 0);
}

class RuleFileWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("seckill-rules-" + std::to_string(::getpid()) + "-" + std::to_string(rand()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "flow-rules.json").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& text) {
    // As an editor or `mv` would: write aside, then rename into place.
    const std::string tmp = path_ + ".tmp";
    std::ofstream(tmp) << text;
    std::filesystem::rename(tmp, path_);
  }
  // Waits (bounded) for `predicate`; the watcher itself never sleeps.
  template <class P>
  bool Eventually(P predicate) {
    for (int i = 0; i < 100 && !predicate(); ++i) std::this_thread::sleep_for(50ms);
    return predicate();
  }
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(RuleFileWatcherTest, EditingTheFileChangesRulesAndABrokenFileIsRefused) {
  SteadyClock clock;
  Engine engine(clock, {"r"});
  Write(kFiveQps);
  RuleFileWatcher watcher(engine, path_, std::chrono::seconds(3));
  ASSERT_TRUE(watcher.LoadNow().ok());
  watcher.Start();
  const auto edited = std::chrono::steady_clock::now();
  Write(kSevenQps);
  ASSERT_TRUE(Eventually([&] { return engine.rules().flow_rules.at(0).threshold == 7; }));
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - edited);
  std::printf("rules file edit took effect after %lld ms\n", static_cast<long long>(took.count()));
  const uint64_t version = engine.version();
  Write("{ this is not json");
  ASSERT_TRUE(Eventually([&] { return watcher.failures() == 1; }));
  EXPECT_EQ(engine.version(), version);
  EXPECT_EQ(engine.rules().flow_rules.at(0).threshold, 7);
  std::filesystem::remove(path_);  // deleted: the last good rules stay
  Write(kFiveQps);
  ASSERT_TRUE(Eventually([&] { return engine.rules().flow_rules.at(0).threshold == 5; }));
  watcher.Stop();
}

}  // namespace
}  // namespace seckill::flowcontrol
