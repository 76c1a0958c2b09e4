#pragma once

#include <string>
#include <string_view>

namespace seckill::rpc {

// The W3C trace-context header carried through every hop (HTTP header and gRPC metadata).
inline constexpr char kTraceparentKey[] = "traceparent";

// True when `value` is a well-formed version-00 traceparent
// ("00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>", ids not all zero).
bool IsValidTraceparent(std::string_view value);

}  // namespace seckill::rpc
