#pragma once

#include <string>
#include <string_view>

namespace seckill::base {

// The project version this binary was built from (CMake's PROJECT_VERSION) and its build type
// ("Release", "Debug"): what `--version` prints and seckill_build_info reports.
std::string_view BuildVersion();
std::string_view BuildType();
// What `PROGRAM --version` prints: "seckill-gateway 0.1.0 (Release)".
std::string VersionLine(std::string_view program);

}  // namespace seckill::base
