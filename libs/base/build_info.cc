#include "libs/base/build_info.h"

namespace seckill::base {

std::string_view BuildVersion() { return SECKILL_VERSION; }
std::string_view BuildType() { return SECKILL_BUILD_TYPE; }

std::string VersionLine(std::string_view program) {
  return std::string(program) + " " + SECKILL_VERSION + " (" + SECKILL_BUILD_TYPE + ")";
}

}  // namespace seckill::base
