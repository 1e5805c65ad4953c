#include "jobs/job_queue.h"

#include <algorithm>

#include "util/encoding.h"
#include "util/log.h"

namespace aigen::jobs {

using model::GenerationStatus;

JobQueue::JobQueue(const BackendRegistry& backends,
                   store::GenerationStore& store, ImageStorage& storage,
                   const util::Clock& clock, Options options)
    : backends_(backends),
      store_(store),
      storage_(storage),
      clock_(clock),
      options_(options) {}

JobQueue::~JobQueue() { Stop(); }

void JobQueue::Start() {
  for (const auto& backend : backends_.all()) {
    for (int i = 0; i < std::max(1, backend->info().concurrency); ++i) {
      workers_.emplace_back([this, b = backend.get()] { WorkerLoop(b); });
    }
  }
}

void JobQueue::Stop() {
  std::vector<std::shared_ptr<Job>> running;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    for (auto& [id, job] : live_) {
      if (job->generation.status == GenerationStatus::kRunning) {
        job->control.canceled = true;
        running.push_back(job);
      }
    }
  }
  work_cv_.notify_all();
  change_cv_.notify_all();
  // Outside the lock: a backend's Cancel may make a network call.
  for (const auto& job : running) {
    if (gen::Backend* backend = backends_.Find(job->generation.backend)) {
      backend->Cancel(job->control);
    }
  }
  for (auto& t : workers_) t.join();
  workers_.clear();
}

bool JobQueue::stopping() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

Result<JobView> JobQueue::Submit(NewGeneration request) {
  gen::Backend* backend = backends_.Find(request.backend);
  if (!backend) {
    return Status::InvalidArgument(
        "no backend named \"" + request.backend + "\"", "unknown_backend");
  }
  auto job = std::make_shared<Job>();
  model::Generation& g = job->generation;
  g.id = util::RandomHex(12);
  g.backend = request.backend;
  g.prompt = request.request.prompt;
  g.negative_prompt = request.request.negative_prompt;
  g.width = request.request.width;
  g.height = request.request.height;
  g.n = request.request.n;
  if (request.request.seed >= 0) g.seed = request.request.seed;
  g.client_ip = request.client_ip;
  g.created_at = util::UnixSeconds(clock_.Now());
  g.expires_at = g.created_at + options_.expire_after.count();
  job->is_demo = backend->info().is_demo;

  std::unique_lock lock(mutex_);
  if (stopping_)
    return Status::Unavailable("the server is shutting down", "shutting_down");
  if (waiting_total_ >= static_cast<size_t>(options_.max_queue)) {
    return Status::Unavailable("the generation queue is full (" +
                                   std::to_string(options_.max_queue) +
                                   " waiting); try again in a minute",
                               "queue_full");
  }
  // Stored before it is visible, so every id a client gets is durable.
  if (Status s = store_.Insert(g); !s.ok()) return s;
  waiting_[g.backend].push_back(job);
  ++waiting_total_;
  live_[g.id] = job;
  JobView view = ViewLocked(*job);
  lock.unlock();
  work_cv_.notify_all();
  return view;
}

JobView JobQueue::ViewLocked(const Job& job) const {
  JobView view;
  view.generation = job.generation;
  view.progress = job.progress;
  view.is_demo = job.is_demo;
  view.version = job.version;
  if (job.generation.status == GenerationStatus::kQueued) {
    auto it = waiting_.find(job.generation.backend);
    if (it != waiting_.end()) {
      auto pos = std::find_if(it->second.begin(), it->second.end(),
                              [&](const auto& j) { return j.get() == &job; });
      view.queue_position = static_cast<int>(pos - it->second.begin()) + 1;
    }
  }
  return view;
}

Result<JobView> JobQueue::Get(const std::string& id) {
  {
    std::lock_guard lock(mutex_);
    auto it = live_.find(id);
    if (it != live_.end()) return ViewLocked(*it->second);
  }
  auto stored = store_.Get(id);
  if (!stored.ok()) return stored.status();
  if (stored->expires_at &&
      *stored->expires_at <= util::UnixSeconds(clock_.Now())) {
    return Status::NotFound("generation " + id + " has expired", "not_found");
  }
  JobView view;
  view.generation = std::move(*stored);
  gen::Backend* backend = backends_.Find(view.generation.backend);
  view.is_demo = backend && backend->info().is_demo;
  if (view.generation.status == GenerationStatus::kSucceeded)
    view.progress = 1.0;
  return view;
}

Result<JobView> JobQueue::WaitForChange(
    const std::string& id, uint64_t seen_version,
    std::chrono::steady_clock::time_point deadline) {
  {
    std::unique_lock lock(mutex_);
    auto it = live_.find(id);
    if (it != live_.end()) {
      std::shared_ptr<Job> job = it->second;
      change_cv_.wait_until(lock, deadline, [&] {
        return stopping_ || job->version > seen_version || !live_.count(id);
      });
      if (live_.count(id)) return ViewLocked(*job);
    }
  }
  return Get(id);
}

}  // namespace aigen::jobs
