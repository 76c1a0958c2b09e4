#include "libs/base/service_main.h"

#include <cstdio>

#include "CLI/CLI.hpp"
#include "libs/base/build_info.h"
#include "libs/base/logging.h"
#include "libs/base/runtime.h"
#include "libs/base/signals.h"

namespace seckill::base {

int RunServiceMain(int argc, char** argv, const std::string& service, const std::string& about,
                   SettingsSchema& schema, const LogSettings& log,
                   const std::function<int()>& run) {
  InitRuntime();
  BlockTerminationSignals();
  const std::string program = "seckill-" + service;
  CLI::App cli{program + ": " + about};
  cli.footer(schema.Help());
  cli.set_version_flag("--version", VersionLine(program));
  std::string config_path;
  cli.add_option("--config", config_path,
                 "YAML configuration file (SECKILL_* variables override it)");
  CLI11_PARSE(cli, argc, argv);
  absl::StatusOr<Config> config = Config::Load(config_path);
  absl::Status loaded = config.ok() ? schema.Load(*config) : config.status();
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s: configuration: %s\n", program.c_str(),
                 std::string(loaded.message()).c_str());
    return 2;
  }
  InitLogging(program, log.level, log.format);
  return run();
}

}  // namespace seckill::base
