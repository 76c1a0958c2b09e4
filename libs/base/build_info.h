#pragma once

#include <string_view>

namespace seckill::base {

// The project version this binary was built from (CMake's PROJECT_VERSION) and its build type
// ("Release", "Debug"): what `--version` prints and seckill_build_info reports.
std::string_view BuildVersion();
std::string_view BuildType();

}  // namespace seckill::base
