#include "libs/base/config.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "fmt/format.h"

namespace seckill::base {

absl::StatusOr<Config> Config::Load(const std::string& path) {
  if (path.empty()) return Config(YAML::Node(YAML::NodeType::Map));
  try {
    return Config(YAML::LoadFile(path));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(fmt::format("config file {}: {}", path, e.what()));
  }
}

Config Config::FromYamlForTest(const std::string& yaml) { return Config(YAML::Load(yaml)); }

std::string Config::EnvName(std::string_view key) {
  std::string name = "SECKILL_";
  for (char c : key) {
    name += (c == '.' || c == '-') ? '_'
                                   : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

bool Config::Lookup(std::string_view key, std::string* out) const {
  // An empty variable counts as unset, so `VAR= cmd` cannot blank a setting by accident.
  if (const char* env = std::getenv(EnvName(key).c_str()); env != nullptr && *env != '\0') {
    *out = env;
    return true;
  }
  YAML::Node node = YAML::Clone(root_);
  size_t begin = 0;
  while (begin <= key.size()) {
    const size_t dot = std::min(key.find('.', begin), key.size());
    if (!node.IsMap()) return false;
    node = node[std::string(key.substr(begin, dot - begin))];
    if (!node) return false;
    begin = dot + 1;
  }
  if (!node.IsScalar()) return false;
  *out = node.as<std::string>();
  return true;
}

namespace {

void CollectKeys(const YAML::Node& node, const std::string& prefix, std::vector<std::string>* out) {
  if (!node.IsMap()) {
    if (!prefix.empty()) out->push_back(prefix);
    return;
  }
  for (const auto& item : node) {
    const std::string name = item.first.as<std::string>();
    CollectKeys(item.second, prefix.empty() ? name : fmt::format("{}.{}", prefix, name), out);
  }
}

}  // namespace

std::vector<std::string> Config::FileKeys() const {
  std::vector<std::string> keys;
  if (root_.IsMap()) CollectKeys(root_, "", &keys);
  return keys;
}

}  // namespace seckill::base
