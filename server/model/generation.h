#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aigen::model {

enum class GenerationStatus {
  kQueued,
  kRunning,
  kSucceeded,
  kFailed,
  kCanceled
};

std::string_view ToString(GenerationStatus status);
std::optional<GenerationStatus> ParseGenerationStatus(std::string_view text);
inline bool IsFinal(GenerationStatus s) {
  return s == GenerationStatus::kSucceeded || s == GenerationStatus::kFailed ||
         s == GenerationStatus::kCanceled;
}

enum class ImageFormat { kPng, kJpeg };

// One stored image: its files (relative to the images/ and thumbs/ stores)
// and what the backend reported.
struct Image {
  std::string id;
  std::string generation_id;
  int position = 0;
  std::string file;
  std::string thumb;
  ImageFormat format = ImageFormat::kPng;
  int width = 0;
  int height = 0;
  int64_t bytes = 0;
  std::optional<int64_t> seed;
  std::string revised_prompt;
  bool missing = false;
  int64_t created_at = 0;
};

// A generation request and its outcome, as stored.
struct Generation {
  std::string id;
  std::string backend;
  std::string prompt;
  std::string negative_prompt;
  int width = 0;
  int height = 0;
  int n = 1;
  std::optional<int64_t> seed;
  GenerationStatus status = GenerationStatus::kQueued;
  std::string error_code;  // "" unless failed/canceled
  std::string error_message;
  std::string client_ip;
  int64_t created_at = 0;
  std::optional<int64_t> started_at;
  std::optional<int64_t> finished_at;
  std::optional<int64_t> expires_at;
  std::vector<Image> images;  // in position order
};

}  // namespace aigen::model
