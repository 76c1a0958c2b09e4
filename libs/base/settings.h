#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "libs/base/config.h"

namespace seckill::base {

// A process's settings, each declared once: its key, where its typed value goes, a line of help.
// The value a field holds when it is declared is its default, so a service's defaults live in
// its settings struct and nowhere else. Load() reads every key from a Config (environment first,
// SECKILL_<KEY>; then the file), checks each value and each rule, and refuses a file that names
// a key nobody declared (a typo must not pass for a default). Help() lists them all.
class SettingsSchema {
 public:
  enum class Need { kOptional, kRequired };

  void Int(std::string key, int64_t* value, int64_t min, int64_t max, std::string help);
  void Seconds(std::string key, std::chrono::seconds* value, int64_t min_s, int64_t max_s,
               std::string help);
  void Millis(std::string key, std::chrono::milliseconds* value, int64_t min_ms, int64_t max_ms,
              std::string help);
  // kRequired: present and not empty.
  void String(std::string key, std::string* value, std::string help, Need need = Need::kOptional);
  // A string that is never printed (help shows "(secret)").
  void Secret(std::string key, std::string* value, std::string help, Need need = Need::kRequired);
  // A value read as text and turned into its field by `parse` (a URL, say); `default_text` is
  // what applies when the key is unset (empty with kRequired: none).
  void Parsed(std::string key, std::string default_text, std::string help,
              std::function<absl::Status(const std::string&)> parse, Need need = Need::kOptional);
  // One of a few named values: `choices` maps each accepted text to its value (the first is
  // the default); anything else is refused, listing them.
  template <class T>
  void Choice(std::string key, T* value, std::vector<std::pair<std::string, T>> choices,
              std::string help) {
    std::string names;
    for (const auto& [name, choice] : choices) names += (names.empty() ? "" : ", ") + name;
    std::string default_text = choices.front().first;
    Parsed(std::move(key), std::move(default_text), std::move(help),
           [value, choices = std::move(choices), names](const std::string& text) {
             for (const auto& [name, choice] : choices) {
               if (text == name) {
                 *value = choice;
                 return absl::OkStatus();
               }
             }
             return absl::InvalidArgumentError("must be one of " + names);
           });
  }
  // A rule across fields, checked after every field is read; its error is the message to show.
  void Rule(std::function<absl::Status()> check);

  // INVALID_ARGUMENT naming the key and its variable for the first bad value, every unknown key
  // of the file, or the first broken rule.
  absl::Status Load(const Config& config) const;
  // One line per key: the key, its environment variable, its default, its help.
  std::string Help() const;

 private:
  struct Field {
    std::string key;
    std::string default_text;  // shown by Help
    std::string help;
    bool required = false;
    bool secret = false;
    std::function<absl::Status(const std::string&)> parse;
  };
  void Add(Field field);
  void Integer(std::string key, std::string default_text, int64_t min, int64_t max,
               std::string help, std::function<void(int64_t)> store);

  std::vector<Field> fields_;
  std::vector<std::function<absl::Status()>> rules_;
};

// What a deployment is: a developer's machine, or production, where each service refuses the
// settings that are only for a developer (a weak admin password, gRPC in plain text).
enum class Mode { kDevelopment, kProduction };

// Declares `mode` (SECKILL_MODE): "development", the default, or "production".
void DescribeMode(SettingsSchema& schema, Mode& mode);

}  // namespace seckill::base
