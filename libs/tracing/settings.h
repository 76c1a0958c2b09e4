#pragma once

#include "libs/base/settings.h"
#include "libs/tracing/tracer.h"

namespace seckill::tracing {

// tracing.endpoint, tracing.sample_percent and tracing.slow_ms into `options` (the service's
// name is its main's to set).
void DescribeSettings(base::SettingsSchema& schema, TracerOptions& options);

}  // namespace seckill::tracing
