#include "libs/base/settings.h"

#include <algorithm>
#include <charconv>

#include "fmt/format.h"
#include "libs/base/status.h"

namespace seckill::base {

namespace {

absl::StatusOr<int64_t> ParseInt(const std::string& text, int64_t min, int64_t max) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return absl::InvalidArgumentError(fmt::format("must be an integer, got '{}'", text));
  }
  if (value < min || value > max) {
    return absl::InvalidArgumentError(fmt::format("must be {} to {}, got {}", min, max, value));
  }
  return value;
}

}  // namespace

void SettingsSchema::Add(Field field) { fields_.push_back(std::move(field)); }

void SettingsSchema::Integer(std::string key, std::string default_text, int64_t min, int64_t max,
                             std::string help, std::function<void(int64_t)> store) {
  Add({std::move(key), std::move(default_text), std::move(help), false, false,
       [min, max, store = std::move(store)](const std::string& text) -> absl::Status {
         auto parsed = ParseInt(text, min, max);
         if (!parsed.ok()) return parsed.status();
         store(*parsed);
         return absl::OkStatus();
       }});
}

void SettingsSchema::Int(std::string key, int64_t* value, int64_t min, int64_t max,
                         std::string help) {
  Integer(std::move(key), std::to_string(*value), min, max, std::move(help),
          [value](int64_t v) { *value = v; });
}

void SettingsSchema::Seconds(std::string key, std::chrono::seconds* value, int64_t min_s,
                             int64_t max_s, std::string help) {
  Integer(std::move(key), std::to_string(value->count()), min_s, max_s, std::move(help),
          [value](int64_t v) { *value = std::chrono::seconds(v); });
}

void SettingsSchema::Millis(std::string key, std::chrono::milliseconds* value, int64_t min_ms,
                            int64_t max_ms, std::string help) {
  Integer(std::move(key), std::to_string(value->count()), min_ms, max_ms, std::move(help),
          [value](int64_t v) { *value = std::chrono::milliseconds(v); });
}

void SettingsSchema::String(std::string key, std::string* value, std::string help, Need need) {
  Add({std::move(key), *value, std::move(help), need == Need::kRequired, false,
       [value](const std::string& text) {
         *value = text;
         return absl::OkStatus();
       }});
}

void SettingsSchema::Secret(std::string key, std::string* value, std::string help, Need need) {
  Add({std::move(key), "", std::move(help), need == Need::kRequired, true,
       [value](const std::string& text) {
         *value = text;
         return absl::OkStatus();
       }});
}

void SettingsSchema::Parsed(std::string key, std::string default_text, std::string help,
                            std::function<absl::Status(const std::string&)> parse, Need need) {
  Add({std::move(key), std::move(default_text), std::move(help), need == Need::kRequired, false,
       std::move(parse)});
}

void SettingsSchema::Rule(std::function<absl::Status()> check) {
  rules_.push_back(std::move(check));
}

absl::Status SettingsSchema::Load(const Config& config) const {
  std::vector<std::string> unknown;
  for (const std::string& key : config.FileKeys()) {
    const bool known = std::any_of(fields_.begin(), fields_.end(),
                                   [&key](const Field& f) { return f.key == key; });
    if (!known) unknown.push_back(key);
  }
  if (!unknown.empty()) {
    return absl::InvalidArgumentError(
        fmt::format("unknown setting(s) in the file: {} (--help lists every setting)",
                    fmt::join(unknown, ", ")));
  }
  for (const Field& field : fields_) {
    std::string text;
    const bool present = config.Lookup(field.key, &text) && !text.empty();
    if (!present && field.required) {
      return absl::InvalidArgumentError(fmt::format("{} is required (set it in the file or in {})",
                                                    field.key, Config::EnvName(field.key)));
    }
    if (!present && field.default_text.empty()) continue;
    const absl::Status parsed = field.parse(present ? text : field.default_text);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(fmt::format(
          "{} ({}): {}", field.key, Config::EnvName(field.key), std::string(parsed.message())));
    }
  }
  for (const auto& rule : rules_) {
    SECKILL_RETURN_IF_ERROR(rule());
  }
  return absl::OkStatus();
}

std::string SettingsSchema::Help() const {
  std::string out = "Settings (YAML key, or its environment variable, which wins):\n";
  for (const Field& f : fields_) {
    const std::string value = f.secret     ? (f.required ? "(secret, required)" : "(secret)")
                              : f.required ? "(required)"
                              : f.default_text.empty() ? "(none)"
                                                       : fmt::format("default {}", f.default_text);
    out +=
        fmt::format("  {:<30} {:<34} {}\n      {}\n", f.key, Config::EnvName(f.key), value, f.help);
  }
  return out;
}

void DescribeMode(SettingsSchema& schema, Mode& mode) {
  schema.Choice("mode", &mode,
                {{"development", Mode::kDevelopment}, {"production", Mode::kProduction}},
                "development, or production (refuses settings meant for a developer's machine)");
}

}  // namespace seckill::base
