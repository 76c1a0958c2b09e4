#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace seckill::testing {

// The settings of the running local stack, read from .run/stack.env (written by `make up`) or
// the file named by SECKILL_STACK_ENV. Integration and e2e tests need it; when it is missing they
// fail with a message saying how to start the stack, never skip.
class StackEnv {
 public:
  static const StackEnv& Get();
  // The value of KEY; aborts the test binary with a clear message when absent.
  const std::string& At(const std::string& key) const;
  std::string Host(const std::string& url_key) const;
  uint16_t Port(const std::string& url_key) const;
  // The file the settings were read from.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::map<std::string, std::string> values_;
};

}  // namespace seckill::testing
