// The worker side of JobQueue: taking jobs, running them on their backend,
// recording how they ended; and cancellation, which races with all of that.
#include <algorithm>

#include "jobs/job_queue.h"
#include "util/log.h"

namespace aigen::jobs {

using model::GenerationStatus;

void JobQueue::TouchQueueLocked(const std::string& backend) {
  for (auto& job : waiting_[backend]) ++job->version;
}

void JobQueue::WorkerLoop(gen::Backend* backend) {
  const std::string& name = backend->info().name;
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock lock(mutex_);
      work_cv_.wait(lock, [&] { return stopping_ || !waiting_[name].empty(); });
      if (stopping_) return;
      job = waiting_[name].front();
      waiting_[name].pop_front();
      --waiting_total_;
      job->generation.status = GenerationStatus::kRunning;
      job->generation.started_at = util::UnixSeconds(clock_.Now());
      ++job->version;
      TouchQueueLocked(name);  // everyone behind moved up one place
    }
    change_cv_.notify_all();
    Run(backend, job);
  }
}

void JobQueue::Run(gen::Backend* backend, const std::shared_ptr<Job>& job) {
  const model::Generation& g =
      job->generation;  // immutable fields only, outside the lock
  if (Status s = store_.MarkRunning(g.id, *g.started_at); !s.ok()) {
    util::LogWarn("job " + g.id + ": " + s.ToString());
  }
  // A raw pointer: the job outlives Generate, and a shared_ptr here would be a
  // cycle (the job owns its control, which owns this callback).
  job->control.on_progress = [this, j = job.get()](double p) {
    {
      std::lock_guard lock(mutex_);
      j->progress = std::clamp(p, 0.0, 1.0);
      ++j->version;
    }
    change_cv_.notify_all();
  };
  gen::GenerateRequest request;
  request.prompt = g.prompt;
  request.negative_prompt = g.negative_prompt;
  request.width = g.width;
  request.height = g.height;
  request.seed = g.seed.value_or(-1);
  request.n = g.n;

  auto result = backend->Generate(request, job->control);
  if (job->control.canceled) {
    Finish(job, GenerationStatus::kCanceled,
           Status::Canceled("canceled", "canceled"), {});
  } else if (!result.ok()) {
    util::LogWarn("job " + g.id + " on " + backend->info().name +
                  " failed: " + result.status().ToString());
    Finish(job, GenerationStatus::kFailed, result.status(), {});
  } else {
    auto stored = storage_.StoreSucceeded(g.id, *result);
    if (stored.ok()) {
      Finish(job, GenerationStatus::kSucceeded, Status::Ok(),
             std::move(*stored));
    } else {
      util::LogWarn("job " + g.id +
                    ": storing images failed: " + stored.status().ToString());
      Finish(job, GenerationStatus::kFailed, stored.status(), {});
    }
  }
}

// Records a job's end. For success the row was already finished by
// ImageStorage together with its images; otherwise it is finished here.
void JobQueue::Finish(const std::shared_ptr<Job>& job, GenerationStatus status,
                      const Status& error, std::vector<model::Image> images) {
  int64_t now = util::UnixSeconds(clock_.Now());
  if (status != GenerationStatus::kSucceeded) {
    Status s = store_.Finish(job->generation.id, status, error.reason(),
                             error.message(), now, {});
    if (!s.ok())
      util::LogError("job " + job->generation.id + ": " + s.ToString());
  }
  {
    std::lock_guard lock(mutex_);
    model::Generation& g = job->generation;
    g.status = status;
    g.finished_at = now;
    g.error_code = status == GenerationStatus::kSucceeded ? "" : error.reason();
    g.error_message =
        status == GenerationStatus::kSucceeded ? "" : error.message();
    g.images = std::move(images);
    if (status == GenerationStatus::kSucceeded) job->progress = 1.0;
    ++job->version;
    live_.erase(g.id);
  }
  change_cv_.notify_all();
}

Result<JobView> JobQueue::Cancel(const std::string& id) {
  std::unique_lock lock(mutex_);
  auto it = live_.find(id);
  if (it == live_.end()) {
    lock.unlock();
    auto stored = Get(id);
    if (!stored.ok()) return stored.status();
    return Status::Conflict("generation " + id + " has already finished",
                            "already_finished");
  }
  std::shared_ptr<Job> job = it->second;
  if (job->generation.status == GenerationStatus::kQueued) {
    auto& queue = waiting_[job->generation.backend];
    queue.erase(std::find(queue.begin(), queue.end(), job));
    --waiting_total_;
    TouchQueueLocked(job->generation.backend);
    lock.unlock();
    Finish(job, GenerationStatus::kCanceled,
           Status::Canceled("canceled by the user", "canceled"), {});
    return Get(id);
  }
  job->control.canceled = true;
  gen::Backend* backend = backends_.Find(job->generation.backend);
  lock.unlock();
  if (backend) backend->Cancel(job->control);
  // The worker records the end when Generate returns, which backends promise
  // to do soon after Cancel. Answer with what really happened: a job that
  // finished in the meantime was not canceled.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  Result<JobView> view = Get(id);
  while (view.ok() && !model::IsFinal(view->generation.status) &&
         std::chrono::steady_clock::now() < deadline && !stopping()) {
    view = WaitForChange(id, view->version, deadline);
  }
  if (view.ok() && view->generation.status == GenerationStatus::kSucceeded) {
    return Status::Conflict(
        "generation " + id + " finished before it could be canceled",
        "already_finished");
  }
  return view;
}

}  // namespace aigen::jobs
