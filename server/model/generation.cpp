#include "model/generation.h"

namespace aigen::model {

std::string_view ToString(GenerationStatus status) {
  switch (status) {
    case GenerationStatus::kQueued:
      return "queued";
    case GenerationStatus::kRunning:
      return "running";
    case GenerationStatus::kSucceeded:
      return "succeeded";
    case GenerationStatus::kFailed:
      return "failed";
    case GenerationStatus::kCanceled:
      return "canceled";
  }
  return "failed";
}

std::optional<GenerationStatus> ParseGenerationStatus(std::string_view text) {
  for (auto s : {GenerationStatus::kQueued, GenerationStatus::kRunning,
                 GenerationStatus::kSucceeded, GenerationStatus::kFailed,
                 GenerationStatus::kCanceled}) {
    if (ToString(s) == text) return s;
  }
  return std::nullopt;
}

}  // namespace aigen::model
