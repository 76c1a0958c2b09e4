#include "libs/base/counters.h"

#include "fmt/format.h"

namespace seckill::base {

Counter& Counters::Get(const std::string& name, const std::string& help) {
  std::lock_guard lock(mu_);
  Entry& entry = entries_[name];
  if (entry.counter == nullptr) {
    entry.help = help;
    entry.counter = std::make_unique<Counter>();
  }
  return *entry.counter;
}

std::string Counters::PrometheusText() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, entry] : entries_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} counter\n{} {}\n", name, entry.help, name, name,
                       entry.counter->Value());
  }
  return out;
}

}  // namespace seckill::base
