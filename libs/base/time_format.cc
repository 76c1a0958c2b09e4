#include "libs/base/time_format.h"

#include <charconv>
#include <chrono>

#include "fmt/format.h"

namespace seckill::base {

std::string FormatRfc3339(int64_t epoch_ms) {
  using namespace std::chrono;
  const sys_seconds seconds{duration_cast<std::chrono::seconds>(milliseconds(epoch_ms))};
  const auto days = floor<std::chrono::days>(seconds);
  const year_month_day ymd{days};
  const hh_mm_ss hms{seconds - days};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    value = value * 10 + (s[i] - '0');
  }
  *out = value;
  return true;
}

}  // namespace

absl::StatusOr<int64_t> ParseRfc3339(std::string_view s) {
  using namespace std::chrono;
  const auto bad = [&] {
    return absl::InvalidArgumentError(fmt::format(
        "'{}' is not an RFC 3339 date-time such as 2026-11-25T20:00:00Z", s.substr(0, 64)));
  };
  int y, mo, d, h, mi, sec;
  if (!Digits(s, 0, 4, &y) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !Digits(s, 11, 2, &h) || s[13] != ':' || !Digits(s, 14, 2, &mi) || s[16] != ':' ||
      !Digits(s, 17, 2, &sec)) {
    return bad();
  }
  size_t pos = 19;
  int64_t millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 3) millis = millis * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad();
    for (int i = digits; i < 3; ++i) millis *= 10;
  }
  int64_t offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return bad();
    }
    offset_minutes = (s[pos] == '+' ? 1 : -1) * (int64_t{oh} * 60 + om);
    pos += 6;
  } else {
    return bad();
  }
  if (pos != s.size() || h > 23 || mi > 59 || sec > 60) return bad();
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)),
                           day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return bad();
  const sys_days days{ymd};
  const int64_t seconds = duration_cast<std::chrono::seconds>(days.time_since_epoch()).count() +
                          int64_t{h} * 3600 + int64_t{mi} * 60 + std::min(sec, 59) -
                          offset_minutes * 60;
  return seconds * 1000 + millis;
}

}  // namespace seckill::base
