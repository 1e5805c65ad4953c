#include <chrono>

#include "api/generation_json.h"
#include "api/handlers.h"
#include "api/json_body.h"

namespace aigen::api {
namespace {

using http::ErrorResponse;

std::string EventMessage(const jobs::JobView& view) {
  return "event: generation\ndata: " + http::DumpJson(JobJson(view)) + "\n\n";
}

}  // namespace

http::Response CreateGeneration(ApiDeps& deps, const http::Request& req) {
  if (!deps.anonymous_generation) {
    return ErrorResponse(Status(Code::kUnauthenticated,
                                "sign in to generate images",
                                "unauthenticated"));
  }
  auto body = ParseJsonObject(req.body());
  if (!body.ok()) return ErrorResponse(body.status());
  auto generation = ParseNewGeneration(*body, deps.backends);
  if (!generation.ok()) return ErrorResponse(generation.status());
  generation->client_ip = req.client_ip();
  auto view = deps.jobs.Submit(std::move(*generation));
  if (!view.ok()) {
    http::Response res = ErrorResponse(view.status());
    if (view.status().reason() == "queue_full") {
      res.headers.emplace_back("Retry-After",
                               std::to_string(deps.jobs.RetryAfterSeconds()));
    }
    return res;
  }
  const std::string url = "/api/generations/" + view->generation.id;
  http::Response res =
      http::JsonResponse(202, {{"id", view->generation.id},
                               {"status", "queued"},
                               {"queue_position", view->queue_position},
                               {"url", url}});
  res.headers.emplace_back("Location", url);
  return res;
}

http::Response GetGeneration(ApiDeps& deps, const http::Request& req) {
  auto view = deps.jobs.Get(req.param(1));
  if (!view.ok()) return ErrorResponse(view.status());
  http::Response res = http::JsonResponse(200, JobJson(*view));
  res.headers.emplace_back("Cache-Control", "no-store");
  return res;
}

http::Response CancelGeneration(ApiDeps& deps, const http::Request& req) {
  auto view = deps.jobs.Cancel(req.param(1));
  if (!view.ok()) return ErrorResponse(view.status());
  return http::JsonResponse(200, JobJson(*view));
}

// Sends the job as it is, then again on every change, until it ends. Comment
// lines every few seconds keep proxies from closing an idle stream and tell
// us when the client has gone.
http::Response StreamGenerationEvents(ApiDeps& deps, const http::Request& req) {
  const std::string id = req.param(1);
  auto first = deps.jobs.Get(id);
  if (!first.ok()) return ErrorResponse(first.status());
  http::Response res;
  res.content_type = "text/event-stream";
  res.headers.emplace_back("X-Accel-Buffering", "no");
  res.stream = [&jobs = deps.jobs, id,
                view = std::move(*first)](http::StreamWriter& out) mutable {
    if (!out.Write("retry: 2000\n\n" + EventMessage(view))) return;
    while (!model::IsFinal(view.generation.status) && out.Open() &&
           !jobs.stopping()) {
      auto deadline =
          std::chrono::steady_clock::now() + std::chrono::seconds(10);
      auto next = jobs.WaitForChange(id, view.version, deadline);
      if (!next.ok()) return;  // expired or deleted meanwhile
      bool changed = next->version != view.version ||
                     next->generation.status != view.generation.status;
      view = std::move(*next);
      if (!out.Write(changed ? EventMessage(view) : ": keep-alive\n\n")) return;
    }
  };
  return res;
}

}  // namespace aigen::api
