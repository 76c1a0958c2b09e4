#pragma once

#include <string>

namespace seckill::base {

// Sets up the process-wide spdlog logger: one line per event on stderr, with the service name.
// `level` is trace|debug|info|warn|error; unknown levels mean info. Call once, from main.
void InitLogging(const std::string& service, const std::string& level);

}  // namespace seckill::base
