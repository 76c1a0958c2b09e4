#pragma once

#include <charconv>
#include <optional>
#include <string_view>

namespace seckill::base {

// The whole of `text` as a decimal integer of type T; nullopt when it is empty, has anything
// else in it, or does not fit.
template <class T>
std::optional<T> ParseInteger(std::string_view text) {
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace seckill::base
