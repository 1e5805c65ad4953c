#pragma once

#include <memory>

#include "config/config.h"
#include "gen/backend.h"
#include "util/status.h"

namespace aigen::gen {

// Builds the backend a [[backends]] entry describes. InvalidArgument for an
// unknown type or a missing required field (openai/automatic1111 need a url).
Result<std::unique_ptr<Backend>> MakeBackend(
    const config::BackendConfig& config);

}  // namespace aigen::gen
