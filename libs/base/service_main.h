#pragma once

#include <functional>
#include <string>

#include "libs/base/logging.h"
#include "libs/base/settings.h"

namespace seckill::base {

// The start every service's main() shares: the runtime (InitRuntime), termination signals blocked
// (the serving code waits for them), the command line (--config FILE; --help lists every
// setting with its variable and default), the settings loaded and checked, logging (log.level,
// log.format).
// Then `run()`; its result is the exit code. A bad command line or setting exits 2 with the
// reason on stderr. `service` is the short name ("order"); the program is "seckill-<service>".
struct LogSettings {
  std::string level = "info";
  LogFormat format = LogFormat::kJson;
};
int RunServiceMain(int argc, char** argv, const std::string& service, const std::string& about,
                   SettingsSchema& schema, const LogSettings& log, const std::function<int()>& run);

// The same for a service whose settings struct `Settings` has
// `void DescribeSettings(SettingsSchema&, Settings&)` (found by argument-dependent lookup).
template <class Settings>
int RunService(int argc, char** argv, const std::string& service, const std::string& about,
               int (*run)(const Settings&)) {
  Settings settings;
  SettingsSchema schema;
  LogSettings log;
  schema.String("log.level", &log.level, "trace, debug, info, warn or error");
  schema.Choice("log.format", &log.format, {{"json", LogFormat::kJson}, {"text", LogFormat::kText}},
                "json: one object a line (time, level, service, message, trace ids, the event's "
                "fields); text: plain lines");
  DescribeSettings(schema, settings);
  return RunServiceMain(argc, argv, service, about, schema, log,
                        [&settings, run] { return run(settings); });
}

}  // namespace seckill::base
