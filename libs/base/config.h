#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "yaml-cpp/yaml.h"

namespace seckill::base {

// Where a service's settings come from: a YAML file, each value overridable from the environment.
// The key "redis.url" is overridden by SECKILL_REDIS_URL (dots become underscores, upper case).
// Raw text only: base::SettingsSchema (settings.h) types, checks and defaults the values.
// Immutable after loading; safe to read from any thread.
class Config {
 public:
  // Reads `path`; an empty path means "environment and defaults only".
  // INVALID_ARGUMENT when the file cannot be read or parsed.
  static absl::StatusOr<Config> Load(const std::string& path);
  static Config FromYamlForTest(const std::string& yaml);

  static std::string EnvName(std::string_view key);

  // The raw value from the environment or the file, if any.
  bool Lookup(std::string_view key, std::string* out) const;
  // Every key the file gives a value ("a.b" for a: {b: ...}), in the file's order.
  std::vector<std::string> FileKeys() const;

 private:
  explicit Config(const YAML::Node& root) : root_(root) {}

  YAML::Node root_;
};

}  // namespace seckill::base
