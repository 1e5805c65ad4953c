#include "gen/factory.h"

#include "gen/automatic1111_backend.h"
#include "gen/demo_backend.h"
#include "gen/openai_backend.h"

namespace aigen::gen {

Result<std::unique_ptr<Backend>> MakeBackend(
    const config::BackendConfig& config) {
  if (config.type == "demo") {
    return std::unique_ptr<Backend>(std::make_unique<DemoBackend>(config));
  }
  if (config.type != "openai" && config.type != "automatic1111") {
    return Status::InvalidArgument("backend '" + config.name +
                                   "': unknown type '" + config.type +
                                   "' (use demo, openai or automatic1111)");
  }
  if (config.url.empty()) {
    return Status::InvalidArgument("backend '" + config.name + "': type " +
                                   config.type + " needs a url");
  }
  if (config.type == "openai") return OpenAIBackend::Create(config);
  return Automatic1111Backend::Create(config);
}

}  // namespace aigen::gen
