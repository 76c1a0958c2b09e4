#include "libs/base/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <vector>

#include "libs/base/build_info.h"
#include "libs/base/numbers.h"

namespace seckill::base {
namespace {

// The fields of /proc/self/stat after the command name (field 3, the state, is [0]).
std::vector<std::string> StatFields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  // The command name is in parentheses and may hold spaces: the fields start after the last ')'.
  const size_t close = line.rfind(')');
  std::vector<std::string> fields;
  if (close == std::string::npos) return fields;
  std::istringstream rest(line.substr(close + 1));
  for (std::string field; rest >> field;) fields.push_back(field);
  return fields;
}

// Field `number` of /proc/self/stat as proc(5) numbers them (1 = pid), 0 when unreadable.
double StatField(const std::vector<std::string>& fields, size_t number) {
  const size_t index = number - 3;
  if (index >= fields.size()) return 0;
  return static_cast<double>(ParseInteger<unsigned long long>(fields[index]).value_or(0));
}

double BootTimeSeconds() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double seconds = 0;
      in >> seconds;
      return seconds;
    }
    in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return 0;
}

double OpenFileDescriptors() {
  std::error_code error;
  double count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end;
       it.increment(error)) {
    ++count;
  }
  return count;
}

std::vector<Sample> One(double value) { return {Sample{{}, value}}; }

}  // namespace

void AddProcessMetrics(Metrics& metrics, const std::string& service) {
  using Type = Metrics::Type;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  metrics.AddCollector("process_cpu_seconds_total", "User and system CPU time spent, in seconds",
                       Type::kCounter, [ticks] {
                         const std::vector<std::string> f = StatFields();
                         return One((StatField(f, 14) + StatField(f, 15)) / ticks);
                       });
  metrics.AddCollector("process_resident_memory_bytes", "Resident memory size, in bytes",
                       Type::kGauge, [page] { return One(StatField(StatFields(), 24) * page); });
  metrics.AddCollector("process_virtual_memory_bytes", "Virtual memory size, in bytes",
                       Type::kGauge, [] { return One(StatField(StatFields(), 23)); });
  metrics.AddCollector("process_open_fds", "Open file descriptors", Type::kGauge,
                       [] { return One(OpenFileDescriptors()); });
  metrics.AddCollector("process_max_fds", "The most file descriptors the process may open",
                       Type::kGauge, [] {
                         rlimit limit{};
                         getrlimit(RLIMIT_NOFILE, &limit);
                         return One(static_cast<double>(limit.rlim_cur));
                       });
  const double start =
      BootTimeSeconds() + StatField(StatFields(), 22) / ticks;  // read once: it never changes
  metrics.AddCollector("process_start_time_seconds",
                       "When the process started, in seconds since the Unix epoch", Type::kGauge,
                       [start] { return One(start); });
  metrics
      .GetGauge("seckill_build_info", "The build this process runs (always 1)",
                {{"service", service},
                 {"version", std::string(BuildVersion())},
                 {"build_type", std::string(BuildType())}})
      .Set(1);
}

}  // namespace seckill::base
