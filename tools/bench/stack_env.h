#pragma once

#include <map>
#include <string>

namespace seckill::bench {

// The KEY=VALUE lines of a stack.env file (written by `make up`); empty when it cannot be read.
std::map<std::string, std::string> ReadEnvFile(const std::string& path);

}  // namespace seckill::bench
