#include "tests/support/stack_env.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "libs/base/url.h"

namespace seckill::testing {

const StackEnv& StackEnv::Get() {
  static const StackEnv* env = [] {
    auto* e = new StackEnv();
    std::string path = SECKILL_SOURCE_DIR "/.run/stack.env";
    if (const char* p = std::getenv("SECKILL_STACK_ENV")) path = p;
    e->path_ = path;
    std::ifstream in(path);
    if (!in) {
      std::fprintf(stderr,
                   "FATAL: %s not found. Integration and e2e tests need the local stack: run "
                   "'make up' (or 'make test', which starts it).\n",
                   path.c_str());
      std::exit(1);
    }
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      const size_t eq = line.find('=');
      if (eq != std::string::npos) e->values_[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return e;
  }();
  return *env;
}

const std::string& StackEnv::At(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) {
    std::fprintf(stderr, "FATAL: %s missing from stack.env; run 'make up' again.\n", key.c_str());
    std::exit(1);
  }
  return it->second;
}

std::string StackEnv::Host(const std::string& url_key) const {
  auto url = base::ParseUrl(At(url_key), 0);
  return url.ok() ? url->host : "127.0.0.1";
}

uint16_t StackEnv::Port(const std::string& url_key) const {
  auto url = base::ParseUrl(At(url_key), 0);
  return url.ok() ? url->port : 0;
}

}  // namespace seckill::testing
