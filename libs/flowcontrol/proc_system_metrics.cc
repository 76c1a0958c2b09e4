#include "libs/flowcontrol/proc_system_metrics.h"

#include <cstdio>

namespace seckill::flowcontrol {

void ProcSystemMetrics::Sample() {
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    double load = 0;
    if (std::fscanf(f, "%lf", &load) == 1) load1_.store(load, std::memory_order_relaxed);
    std::fclose(f);
  }
  if (FILE* f = std::fopen("/proc/stat", "r")) {
    unsigned long long user, nice, system, idle, iowait, irq, softirq, steal;
    if (std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &system, &idle,
                    &iowait, &irq, &softirq, &steal) == 8) {
      const unsigned long long busy = user + nice + system + irq + softirq + steal;
      const unsigned long long total = busy + idle + iowait;
      if (total > last_total_ && last_total_ != 0) {
        cpu_.store(
            static_cast<double>(busy - last_busy_) / static_cast<double>(total - last_total_),
            std::memory_order_relaxed);
      }
      last_busy_ = busy;
      last_total_ = total;
    }
    std::fclose(f);
  }
}

}  // namespace seckill::flowcontrol
