#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "jobs/backend_registry.h"
#include "jobs/job_queue.h"
#include "util/status.h"

namespace aigen::api {

// Reads {"prompt", "size", "backend"?, "negative_prompt"?, "seed"?, "n"?} and
// checks it against the chosen backend. InvalidArgument naming the field.
Result<jobs::NewGeneration> ParseNewGeneration(
    const nlohmann::json& body, const jobs::BackendRegistry& backends);

// Checks a prompt: 1–4000 characters after trimming, valid UTF-8. Returns the
// trimmed prompt.
Result<std::string> ValidatePrompt(std::string_view prompt);

// Resolves a size text for a backend ("small", "1024x1024", "" = its default).
Result<gen::Size> ResolveSize(std::string_view text,
                              const gen::Backend& backend);

// The API's JSON for a job (docs/api.md).
nlohmann::json JobJson(const jobs::JobView& view);

// The HTTP status for a failed job's error reason (the job outlives the
// Status that failed it, so the reason is what remains).
int HttpStatusForJobError(std::string_view reason);

}  // namespace aigen::api
