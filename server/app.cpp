#include "app.h"

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "api/routes.h"
#include "gen/factory.h"
#include "http/server.h"
#include "jobs/image_storage.h"
#include "jobs/job_queue.h"
#include "media/file_store.h"
#include "ratelimit/limiter.h"
#include "store/database.h"
#include "store/generation_store.h"
#include "util/log.h"
#include "web/assets.h"

namespace aigen {
namespace {

// Deletes expired generations once a minute until stopped.
class Janitor {
 public:
  explicit Janitor(jobs::ImageStorage& storage) : storage_(storage) {}
  ~Janitor() { Stop(); }
  void Start() {
    thread_ = std::thread([this] {
      std::unique_lock lock(mutex_);
      while (!cv_.wait_for(lock, std::chrono::minutes(1),
                           [this] { return stop_; })) {
        lock.unlock();
        auto deleted = storage_.DeleteExpired();
        if (!deleted.ok())
          util::LogWarn("expiry: " + deleted.status().ToString());
        lock.lock();
      }
    });
  }
  void Stop() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  jobs::ImageStorage& storage_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

struct App::Impl {
  config::Config config;
  util::SystemClock system_clock;
  const util::Clock* clock = nullptr;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<store::GenerationStore> store;
  std::unique_ptr<media::FileStore> images, thumbs;
  std::unique_ptr<jobs::BackendRegistry> backends;
  std::unique_ptr<jobs::ImageStorage> storage;
  std::unique_ptr<jobs::JobQueue> jobs;
  std::unique_ptr<ratelimit::Limiter> limiter;
  std::unique_ptr<api::ApiDeps> deps;
  std::unique_ptr<http::HttpServer> http;
  std::unique_ptr<Janitor> janitor;
  bool stopped = false;

  Status OpenStorage();
  Status BuildBackends();
  void BuildHttp();
};

Status App::Impl::OpenStorage() {
  std::error_code ec;
  const auto& dir = config.data_dir;
  std::filesystem::create_directories(dir / "images", ec);
  std::filesystem::create_directories(dir / "thumbs", ec);
  if (ec) {
    return Status::Internal("cannot create the data directory " + dir.string() +
                            ": " + ec.message());
  }
  auto opened = store::Database::Open(dir / "aigen.db", web::EmbeddedSchema());
  if (!opened.ok()) return opened.status();
  db = std::move(*opened);
  store = std::make_unique<store::GenerationStore>(*db);
  images = std::make_unique<media::FileStore>(dir / "images");
  thumbs = std::make_unique<media::FileStore>(dir / "thumbs");
  storage =
      std::make_unique<jobs::ImageStorage>(*images, *thumbs, *store, *clock);
  return storage->Sweep();
}

Status App::Impl::BuildBackends() {
  std::vector<std::unique_ptr<gen::Backend>> list;
  for (const config::BackendConfig& bc : config.backends) {
    auto backend = gen::MakeBackend(bc);
    if (!backend.ok())
      return backend.status().WithContext("backend \"" + bc.name + "\"");
    list.push_back(std::move(*backend));
  }
  if (list.empty()) return Status::InvalidArgument("no backend configured");
  backends = std::make_unique<jobs::BackendRegistry>(
      std::move(list), config.generation.default_backend);
  jobs::JobQueue::Options options{config.generation.max_queue,
                                  config.generation.expire_after};
  jobs = std::make_unique<jobs::JobQueue>(*backends, *store, *storage, *clock,
                                          options);
  auto policy = ratelimit::Policy::Parse("generate", config.limits.generate);
  if (!policy.ok()) return policy.status().WithContext("limits.generate");
  limiter = std::make_unique<ratelimit::Limiter>(
      *policy, *clock, config.limits.max_tracked_clients);
  return Status::Ok();
}

void App::Impl::BuildHttp() {
  http::ServerOptions options;
  if (config.http.threads > 0)
    options.threads_per_listener = config.http.threads;
  options.max_streams = std::max(1, options.threads_per_listener / 2);
  options.max_body_bytes = config.http.max_body_bytes;
  options.read_timeout = config.http.read_timeout;
  options.write_timeout = config.http.write_timeout;
  options.keep_alive_timeout = config.http.keep_alive_timeout;
  options.keep_alive_max = config.http.keep_alive_max;
  options.max_connections_per_ip = config.http.max_connections_per_ip;
  options.ipv6_prefix = config.limits.ipv6_prefix;
  auto assets = config.dev_static_dir.empty()
                    ? http::StaticAssets::Embedded()
                    : http::StaticAssets::FromDirectory(config.dev_static_dir);
  http = std::make_unique<http::HttpServer>(options, std::move(assets));
  deps.reset(new api::ApiDeps{*jobs, *backends, *store, *images, *thumbs,
                              *limiter,
                              config.generation.anonymous.value_or(true)});
  api::RegisterRoutes(*http, *deps);
}

Result<std::unique_ptr<App>> App::Create(config::Config config,
                                         AppOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->config = std::move(config);
  impl->clock = options.clock ? options.clock : &impl->system_clock;
  util::SetLogLevel(util::ParseLogLevel(impl->config.log_level));
  if (Status s = impl->OpenStorage(); !s.ok()) return s;
  if (Status s = impl->BuildBackends(); !s.ok()) return s;
  impl->BuildHttp();
  impl->janitor = std::make_unique<Janitor>(*impl->storage);
  return std::unique_ptr<App>(new App(std::move(impl)));
}

App::App(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

App::~App() { Stop(); }

Status App::Start() {
  std::vector<std::pair<std::string, int>> addresses;
  for (const std::string& text : impl_->config.listen) {
    auto address = config::ParseListenAddress(text);
    if (!address)
      return Status::InvalidArgument("bad listen address \"" + text + "\"");
    addresses.emplace_back(address->host, address->port);
  }
  impl_->jobs->Start();
  impl_->janitor->Start();
  return impl_->http->Start(addresses);
}

std::vector<std::string> App::urls() const { return impl_->http->urls(); }

void App::Stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  // Jobs first: that wakes event streams and waiting requests, so the HTTP
  // workers can finish and the listeners can join.
  impl_->jobs->Stop();
  impl_->http->Stop();
  impl_->janitor->Stop();
}

}  // namespace aigen
