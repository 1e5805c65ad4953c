// The original project's API, kept working for its clients:
// GET /openai/createimage?prompt=...&size=small|medium|large
// → 200 {"imageURL": "..."} or {"error": "message"} with a status.
#include <chrono>

#include "api/generation_json.h"
#include "api/handlers.h"

namespace aigen::api {
namespace {

http::Response SeedError(int status, const std::string& message) {
  return http::JsonResponse(status, {{"error", message}});
}

}  // namespace

http::Response SeedCreateImage(ApiDeps& deps, const http::Request& req) {
  if (!deps.anonymous_generation)
    return SeedError(401, "sign in to generate images");
  auto prompt = ValidatePrompt(req.query("prompt"));
  if (!prompt.ok()) return SeedError(400, prompt.status().message());
  std::string size_name = req.has_query("size") ? req.query("size") : "medium";
  if (size_name != "small" && size_name != "medium" && size_name != "large") {
    return SeedError(400, "size must be small, medium or large");
  }
  const gen::Backend* backend =
      deps.backends.Find(deps.backends.default_name());
  auto size = ResolveSize(size_name, *backend);
  if (!size.ok()) return SeedError(400, size.status().message());

  jobs::NewGeneration generation;
  generation.backend = backend->info().name;
  generation.request.prompt = std::move(*prompt);
  generation.request.width = size->width;
  generation.request.height = size->height;
  generation.client_ip = req.client_ip();
  auto view = deps.jobs.Submit(std::move(generation));
  if (!view.ok())
    return SeedError(http::HttpStatusOf(view.status().code()),
                     view.status().message());

  // This API is synchronous: wait for the job (it is bounded by the backend's
  // own timeout), waking on every change.
  const std::string id = view->generation.id;
  while (!model::IsFinal(view->generation.status) && !deps.jobs.stopping()) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    view = deps.jobs.WaitForChange(id, view->version, deadline);
    if (!view.ok()) return SeedError(500, view.status().message());
  }
  const model::Generation& g = view->generation;
  if (g.status != model::GenerationStatus::kSucceeded || g.images.empty()) {
    std::string message = g.error_message.empty()
                              ? "the server is shutting down"
                              : g.error_message;
    return SeedError(HttpStatusForJobError(g.error_code), message);
  }
  const model::Image& img = g.images.front();
  const char* ext = img.format == model::ImageFormat::kJpeg ? ".jpg" : ".png";
  return http::JsonResponse(200, {{"imageURL", "/images/" + img.id + ext}});
}

}  // namespace aigen::api
