#pragma once

#include "http/server.h"
#include "jobs/backend_registry.h"
#include "jobs/job_queue.h"
#include "media/file_store.h"
#include "ratelimit/limiter.h"
#include "store/generation_store.h"

namespace aigen::api {

// What the handlers need; owned by App, outliving the server.
struct ApiDeps {
  jobs::JobQueue& jobs;
  const jobs::BackendRegistry& backends;
  store::GenerationStore& store;
  const media::FileStore& images;
  const media::FileStore& thumbs;
  ratelimit::Limiter& generate_limiter;
  bool anonymous_generation = true;
};

// The whole route table.
void RegisterRoutes(http::HttpServer& server, ApiDeps& deps);

}  // namespace aigen::api
