#include "api/generation_json.h"

#include "api/json_body.h"
#include "util/encoding.h"

namespace aigen::api {
namespace {

constexpr size_t kMaxPromptChars = 4000;

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

nlohmann::json OptionalNumber(const std::optional<int64_t>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

Result<std::string> ValidatePrompt(std::string_view prompt) {
  if (!util::IsValidUtf8(prompt)) {
    return Status::InvalidArgument("the prompt is not valid UTF-8 text",
                                   "invalid_prompt");
  }
  std::string_view trimmed = util::Trim(prompt);
  if (trimmed.empty()) {
    return Status::InvalidArgument("write a prompt describing the image",
                                   "invalid_prompt");
  }
  if (CodePoints(trimmed) > kMaxPromptChars) {
    return Status::InvalidArgument("the prompt is longer than 4000 characters",
                                   "invalid_prompt");
  }
  return std::string(trimmed);
}

Result<gen::Size> ResolveSize(std::string_view text,
                              const gen::Backend& backend) {
  const gen::BackendInfo& info = backend.info();
  gen::Size size;
  if (text.empty()) {
    auto suggested = gen::SuggestedSizes(info.sizes);
    size = suggested.empty() ? gen::Size{512, 512} : suggested.front();
    for (const gen::Size& s : suggested) {
      if (s.width == 512 && s.height == 512) size = s;
    }
  } else {
    auto parsed = gen::ParseSize(text);
    if (!parsed.ok())
      return Status::InvalidArgument(parsed.status().message(), "invalid_size");
    size = *parsed;
  }
  std::string label = info.model.empty() ? info.name : info.model;
  if (Status s = gen::CheckSize(info.sizes, size, label); !s.ok()) {
    return Status::InvalidArgument(s.message(), "invalid_size");
  }
  return size;
}

Result<jobs::NewGeneration> ParseNewGeneration(
    const nlohmann::json& body, const jobs::BackendRegistry& backends) {
  if (Status s = RejectUnknownKeys(
          body, {"prompt", "size", "backend", "negative_prompt", "seed", "n"});
      !s.ok()) {
    return s;
  }
  auto prompt_text = OptionalString(body, "prompt", "invalid_prompt");
  if (!prompt_text.ok()) return prompt_text.status();
  auto prompt = ValidatePrompt(*prompt_text);
  if (!prompt.ok()) return prompt.status();
  auto negative = OptionalString(body, "negative_prompt", "invalid_prompt");
  if (!negative.ok()) return negative.status();
  if (!util::IsValidUtf8(*negative) ||
      CodePoints(*negative) > kMaxPromptChars) {
    return Status::InvalidArgument(
        "negative_prompt must be UTF-8 text of at most 4000 characters",
        "invalid_prompt");
  }
  auto backend_name = OptionalString(body, "backend", "unknown_backend");
  if (!backend_name.ok()) return backend_name.status();
  const std::string name =
      backend_name->empty() ? backends.default_name() : *backend_name;
  const gen::Backend* backend = backends.Find(name);
  if (!backend) {
    return Status::InvalidArgument(
        "no backend named \"" + name + "\"; see GET /api/backends",
        "unknown_backend");
  }
  auto size_text = OptionalString(body, "size", "invalid_size");
  if (!size_text.ok()) return size_text.status();
  auto size = ResolveSize(*size_text, *backend);
  if (!size.ok()) return size.status();
  auto seed = OptionalInt(body, "seed", -1, -1, 4294967295LL, "invalid_seed");
  if (!seed.ok()) return seed.status();
  auto n = OptionalInt(body, "n", 1, 1, backend->info().max_n, "invalid_n");
  if (!n.ok()) return n.status();

  jobs::NewGeneration out;
  out.backend = name;
  out.request.prompt = std::move(*prompt);
  out.request.negative_prompt = std::string(util::Trim(*negative));
  out.request.width = size->width;
  out.request.height = size->height;
  out.request.seed = *seed;
  out.request.n = static_cast<int>(*n);
  return out;
}

nlohmann::json JobJson(const jobs::JobView& view) {
  const model::Generation& g = view.generation;
  nlohmann::json images = nlohmann::json::array();
  for (const model::Image& img : g.images) {
    const char* ext = img.format == model::ImageFormat::kJpeg ? ".jpg" : ".png";
    images.push_back({{"id", img.id},
                      {"url", "/images/" + img.id + ext},
                      {"thumb_url", "/thumbs/" + img.id + ".jpg"},
                      {"width", img.width},
                      {"height", img.height},
                      {"seed", OptionalNumber(img.seed)},
                      {"revised_prompt", img.revised_prompt},
                      {"missing", img.missing}});
  }
  nlohmann::json error = nullptr;
  if (!g.error_code.empty())
    error = {{"code", g.error_code}, {"message", g.error_message}};
  return {{"id", g.id},
          {"status", model::ToString(g.status)},
          {"backend", g.backend},
          {"is_demo", view.is_demo},
          {"prompt", g.prompt},
          {"negative_prompt", g.negative_prompt},
          {"size", std::to_string(g.width) + "x" + std::to_string(g.height)},
          {"width", g.width},
          {"height", g.height},
          {"n", g.n},
          {"seed", OptionalNumber(g.seed)},
          {"queue_position", view.queue_position},
          {"progress", view.progress ? nlohmann::json(*view.progress)
                                     : nlohmann::json(nullptr)},
          {"created_at", g.created_at},
          {"started_at", OptionalNumber(g.started_at)},
          {"finished_at", OptionalNumber(g.finished_at)},
          {"expires_at", OptionalNumber(g.expires_at)},
          {"images", std::move(images)},
          {"error", std::move(error)}};
}

int HttpStatusForJobError(std::string_view reason) {
  if (reason == "content_policy" || reason == "invalid_argument") return 400;
  if (reason == "upstream_rate_limited" || reason == "upstream_quota" ||
      reason == "unavailable")
    return 503;
  if (reason == "gateway_timeout" || reason == "timeout") return 504;
  if (reason == "canceled") return 409;
  if (reason == "insufficient_storage" || reason == "disk_full") return 507;
  if (reason == "internal" || reason == "interrupted") return 500;
  return 502;
}

}  // namespace aigen::api
