#include "support/fake_a1111.h"

#include <algorithm>

#include "support/image_fixtures.h"
#include "util/encoding.h"

namespace aigen::testing {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

const char kJson[] = "application/json";

int64_t IntField(const json& request, const char* key, int64_t fallback) {
  if (!request.is_object()) return fallback;
  auto it = request.find(key);
  return it != request.end() && it->is_number_integer() ? it->get<int64_t>()
                                                        : fallback;
}

std::string ErrorJson(const std::string& error, const std::string& detail,
                      const std::string& errors) {
  return json{
      {"error", error}, {"detail", detail}, {"body", ""}, {"errors", errors}}
      .dump();
}

std::string ImagesJson(const std::string& image_bytes) {
  return json{{"images", {util::Base64Encode(image_bytes)}},
              {"parameters", json::object()},
              {"info", "{}"}}
      .dump();
}

}  // namespace

FakeA1111::FakeA1111() {
  http_.server().Post("/sdapi/v1/txt2img", [this](const httplib::Request& req,
                                                  httplib::Response& res) {
    HandleTxt2Img(req, res);
  });
  http_.server().Get("/sdapi/v1/progress", [this](const httplib::Request& req,
                                                  httplib::Response& res) {
    HandleProgress(req, res);
  });
  http_.server().Post("/sdapi/v1/interrupt", [this](const httplib::Request& req,
                                                    httplib::Response& res) {
    HandleInterrupt(req, res);
  });
  http_.Start();
}

FakeA1111::~FakeA1111() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  http_.Stop();
}

void FakeA1111::SetMode(Mode mode) {
  std::lock_guard lock(mutex_);
  mode_ = mode;
}

void FakeA1111::SetGenerationTime(std::chrono::milliseconds time) {
  std::lock_guard lock(mutex_);
  generation_time_ = time;
}

void FakeA1111::SetSlowDelay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  slow_delay_ = delay;
}

void FakeA1111::SetCredentials(std::string user, std::string password) {
  std::lock_guard lock(mutex_);
  user_ = std::move(user);
  password_ = std::move(password);
}

void FakeA1111::SetProgressAvailable(bool available) {
  std::lock_guard lock(mutex_);
  progress_available_ = available;
}

void FakeA1111::SetReturnGrid(bool grid) {
  std::lock_guard lock(mutex_);
  return_grid_ = grid;
}

std::string FakeA1111::url() const {
  return "http://127.0.0.1:" + std::to_string(http_.port());
}

json FakeA1111::last_request() const {
  std::lock_guard lock(mutex_);
  return last_request_;
}

std::string FakeA1111::last_authorization() const {
  std::lock_guard lock(mutex_);
  return last_authorization_;
}

int FakeA1111::requests(const std::string& path) const {
  std::lock_guard lock(mutex_);
  auto it = requests_.find(path);
  return it == requests_.end() ? 0 : it->second;
}

bool FakeA1111::Authorized(const httplib::Request& req,
                           httplib::Response& res) {
  std::lock_guard lock(mutex_);
  ++requests_[req.path];
  last_authorization_ = req.get_header_value("Authorization");
  if (user_.empty() && password_.empty()) return true;
  if (last_authorization_ ==
      "Basic " + util::Base64Encode(user_ + ":" + password_))
    return true;
  res.status = 401;
  res.set_header("WWW-Authenticate", "Basic");
  res.set_content(json{{"detail", "Incorrect username or password"}}.dump(),
                  kJson);
  return false;
}

bool FakeA1111::SleepFor(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !cv_.wait_for(lock, delay, [this] { return stopping_; });
}

bool FakeA1111::RunJob(std::chrono::milliseconds time) {
  std::unique_lock lock(mutex_);
  job_running_ = true;
  interrupted_ = false;
  job_start_ = Clock::now();
  job_time_ = time;
  cv_.wait_for(lock, time, [this] { return stopping_ || interrupted_; });
  job_running_ = false;
  return !stopping_;
}

void FakeA1111::HandleTxt2Img(const httplib::Request& req,
                              httplib::Response& res) {
  if (!Authorized(req, res)) return;
  json request = json::parse(req.body, nullptr, false);
  if (request.is_discarded()) request = req.body;
  Mode mode;
  std::chrono::milliseconds job_time;
  {
    std::lock_guard lock(mutex_);
    last_request_ = request;
    mode = mode_;
    job_time = mode == Mode::kSlow ? slow_delay_ : generation_time_;
  }
  switch (mode) {
    case Mode::kSuccess:
    case Mode::kSlow:
      if (!RunJob(job_time)) {
        res.status = 503;  // the fake is shutting down
        return;
      }
      return AnswerImages(request, res);
    case Mode::kServerError:
      res.status = 500;
      return res.set_content(
          ErrorJson("OutOfMemoryError", "",
                    "CUDA out of memory. Tried to allocate 2.00 GiB"),
          kJson);
    case Mode::kSamplerNotFound:
      res.status = 404;
      return res.set_content(
          ErrorJson("HTTPException", "Sampler not found", ""), kJson);
    case Mode::kNotAnImage:
      return res.set_content(ImagesJson("hello"), kJson);
    case Mode::kHugeDimensions:
      return res.set_content(ImagesJson(PngHeaderClaiming(10000, 10000)),
                             kJson);
    case Mode::kNeverEnds:
      return res.set_content_provider(
          8u << 20, kJson,
          [this](size_t offset, size_t, httplib::DataSink& sink) {
            if (offset == 0) return sink.write("{", 1);
            if (!SleepFor(std::chrono::milliseconds(100))) return false;
            return sink.write("                ", 16);
          });
    case Mode::kGarbage:
      return res.set_content("<html>Internal Server Error</html>", "text/html");
  }
}

void FakeA1111::AnswerImages(const json& request, httplib::Response& res) {
  int width = static_cast<int>(
      std::clamp<int64_t>(IntField(request, "width", 512), 8, 2048));
  int height = static_cast<int>(
      std::clamp<int64_t>(IntField(request, "height", 512), 8, 2048));
  int batch = static_cast<int>(
      std::clamp<int64_t>(IntField(request, "batch_size", 1), 1, 8));
  int64_t seed = IntField(request, "seed", -1);
  if (seed == -1) seed = 1234;
  bool grid;
  {
    std::lock_guard lock(mutex_);
    grid = return_grid_ && batch > 1;
  }
  json images = json::array();
  json all_seeds = json::array();
  if (grid)
    images.push_back(util::Base64Encode(MakePng(width, height, 0, 0, 0)));
  for (int i = 0; i < batch; ++i) {
    images.push_back(util::Base64Encode(
        MakePng(width, height, static_cast<uint8_t>(30 * i), 120, 60)));
    all_seeds.push_back(seed + i);
  }
  json info = {{"seed", seed},
               {"all_seeds", all_seeds},
               {"index_of_first_image", grid ? 1 : 0},
               {"sd_model_name", "fake-model"},
               {"infotexts", json::array()}};
  res.set_content(
      json{{"images", images}, {"parameters", request}, {"info", info.dump()}}
          .dump(),
      kJson);
}

void FakeA1111::HandleProgress(const httplib::Request& req,
                               httplib::Response& res) {
  if (!Authorized(req, res)) return;
  std::lock_guard lock(mutex_);
  if (!progress_available_) {
    res.status = 404;
    return res.set_content(json{{"detail", "Not Found"}}.dump(), kJson);
  }
  double progress = 0;
  double eta = 0;
  if (job_running_ && job_time_.count() > 0) {
    auto elapsed =
        std::chrono::duration<double>(Clock::now() - job_start_).count();
    double total = std::chrono::duration<double>(job_time_).count();
    progress = std::clamp(elapsed / total, 0.01, 0.99);
    eta = std::max(0.0, total - elapsed);
  }
  json state = {{"skipped", false},
                {"interrupted", interrupted_},
                {"job_count", job_running_ ? 1 : 0},
                {"sampling_step", static_cast<int>(progress * 20)},
                {"sampling_steps", 20}};
  res.set_content(json{{"progress", progress},
                       {"eta_relative", eta},
                       {"state", state},
                       {"current_image", nullptr},
                       {"textinfo", nullptr}}
                      .dump(),
                  kJson);
}

void FakeA1111::HandleInterrupt(const httplib::Request& req,
                                httplib::Response& res) {
  if (!Authorized(req, res)) return;
  {
    std::lock_guard lock(mutex_);
    if (!progress_available_) {
      res.status = 404;
      return res.set_content(json{{"detail", "Not Found"}}.dump(), kJson);
    }
    if (job_running_) interrupted_ = true;
  }
  cv_.notify_all();
  res.set_content("{}", kJson);
}

}  // namespace aigen::testing
