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
  auto url = ParseBaseUrl(config.url);
  if (!url.ok()) {
    return Status::InvalidArgument("backend '" + config.name +
                                   "': url: " + url.status().message());
  }
  if (config.type == "openai")
    return std::unique_ptr<Backend>(
        std::make_unique<OpenAIBackend>(config, std::move(*url)));
  return std::unique_ptr<Backend>(
      std::make_unique<Automatic1111Backend>(config, std::move(*url)));
}

}  // namespace aigen::gen
