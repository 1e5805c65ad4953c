#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "gen/backend.h"
#include "jobs/backend_registry.h"
#include "jobs/image_storage.h"
#include "model/generation.h"
#include "store/generation_store.h"
#include "util/clock.h"
#include "util/status.h"

namespace aigen::jobs {

// A request to generate, validated by the caller (prompt, size, n).
struct NewGeneration {
  std::string backend;  // a name in the registry
  gen::GenerateRequest request;
  std::string client_ip;
};

// What a client sees of a job at one moment.
struct JobView {
  model::Generation generation;
  int queue_position = 0;          // 1-based while queued, else 0
  std::optional<double> progress;  // 0..1 when the backend reports it
  bool is_demo = false;
  uint64_t version = 0;  // grows with every change of a live job
};

// The generation queue: a bounded FIFO per backend served by `concurrency`
// worker threads each, progress publishing and cancellation. Jobs are stored
// when submitted and when they end; while live, their state is in memory.
// Thread-safe.
class JobQueue {
 public:
  struct Options {
    int max_queue = 64;  // waiting jobs across all backends
    std::chrono::seconds expire_after{24 * 3600};
  };

  JobQueue(const BackendRegistry& backends, store::GenerationStore& store,
           ImageStorage& storage, const util::Clock& clock, Options options);
  ~JobQueue();  // Stop()s
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  // Starts the worker threads.
  void Start();

  // Stores and enqueues a job. Errors: Unavailable ("queue_full") when
  // max_queue jobs are waiting; InvalidArgument for an unknown backend;
  // store errors.
  Result<JobView> Submit(NewGeneration generation);

  // The job's current view, live or stored. NotFound when unknown/expired.
  Result<JobView> Get(const std::string& id);

  // Cancels a queued job at once, or interrupts a running one and waits (at
  // most 15 s) until it has ended; returns the job as it ended. Conflict
  // ("already_finished") when it had ended, or succeeded before the interrupt
  // took effect; NotFound when unknown.
  Result<JobView> Cancel(const std::string& id);

  // Blocks until the live job's version exceeds `seen_version`, the job ends,
  // `deadline` passes or the queue stops; then returns Get(id).
  Result<JobView> WaitForChange(const std::string& id, uint64_t seen_version,
                                std::chrono::steady_clock::time_point deadline);

  // Cancels running jobs, fails nothing else (queued jobs stay queued in the
  // store and are failed by the next start-up sweep), joins the workers.
  // Idempotent.
  void Stop();
  bool stopping() const;

  // Seconds a client should wait before retrying when the queue is full.
  int RetryAfterSeconds() const { return 30; }

 private:
  struct Job {
    model::Generation generation;    // guarded by JobQueue::mutex_
    std::optional<double> progress;  // guarded by JobQueue::mutex_
    uint64_t version = 1;            // guarded by JobQueue::mutex_
    bool is_demo = false;
    gen::JobControl control;  // thread-safe itself
  };
  void WorkerLoop(gen::Backend* backend);
  void Run(gen::Backend* backend, const std::shared_ptr<Job>& job);
  void Finish(const std::shared_ptr<Job>& job, model::GenerationStatus status,
              const Status& error, std::vector<model::Image> images);
  JobView ViewLocked(const Job& job) const;
  void TouchQueueLocked(const std::string& backend);

  const BackendRegistry& backends_;
  store::GenerationStore& store_;
  ImageStorage& storage_;
  const util::Clock& clock_;
  Options options_;

  mutable std::mutex mutex_;
  std::condition_variable work_cv_;    // a job was queued, or stop
  std::condition_variable change_cv_;  // some live job changed, or stop
  bool stopping_ = false;              // guarded by mutex_
  std::unordered_map<std::string, std::shared_ptr<Job>>
      live_;  // guarded by mutex_
  std::map<std::string, std::deque<std::shared_ptr<Job>>>
      waiting_;               // guarded by mutex_
  size_t waiting_total_ = 0;  // guarded by mutex_
  std::vector<std::thread> workers_;
};

}  // namespace aigen::jobs
