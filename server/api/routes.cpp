#include "api/routes.h"

#include "api/handlers.h"

namespace aigen::api {

void RegisterRoutes(http::HttpServer& server, ApiDeps& deps) {
  const std::string id = "([0-9a-f]{24})";
  http::RouteOptions limited{.limiter = &deps.generate_limiter};
  http::RouteOptions limited_json = limited;
  limited_json.json_body = true;
  http::RouteOptions seed_limited = limited;
  seed_limited.seed_error_shape = true;

  auto bind =
      [&deps](http::Response (*handler)(ApiDeps&, const http::Request&)) {
        return [&deps, handler](const http::Request& req) {
          return handler(deps, req);
        };
      };

  server.Get("/healthz", bind(Health));
  server.Get("/api/backends", bind(ListBackends));
  server.Post("/api/generations", bind(CreateGeneration), limited_json);
  server.Get("/api/generations/" + id, bind(GetGeneration));
  server.Get("/api/generations/" + id + "/events",
             bind(StreamGenerationEvents));
  server.Delete("/api/generations/" + id, bind(CancelGeneration));
  server.Get("/images/" + id + "\\.(png|jpg)", bind(GetImageFile));
  server.Get("/thumbs/" + id + "\\.jpg", bind(GetThumbnail));
  server.Get("/openai/createimage", bind(SeedCreateImage), seed_limited);
}

}  // namespace aigen::api
