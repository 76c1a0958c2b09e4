#include "tools/bench/stack_env.h"

#include <fstream>

namespace seckill::bench {

std::map<std::string, std::string> ReadEnvFile(const std::string& path) {
  std::map<std::string, std::string> values;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const size_t eq = line.find('=');
    if (!line.empty() && line[0] != '#' && eq != std::string::npos)
      values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return values;
}

}  // namespace seckill::bench
