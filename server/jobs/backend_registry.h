#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gen/backend.h"

namespace aigen::jobs {

// The configured backends, by name. Immutable after construction, so
// thread-safe.
class BackendRegistry {
 public:
  // REQUIRES: backends non-empty, names unique; default_name empty or one of
  // them.
  BackendRegistry(std::vector<std::unique_ptr<gen::Backend>> backends,
                  std::string default_name)
      : backends_(std::move(backends)),
        default_(default_name.empty() ? backends_.front()->info().name
                                      : std::move(default_name)) {}

  // nullptr when no backend has that name.
  gen::Backend* Find(std::string_view name) const {
    for (const auto& b : backends_) {
      if (b->info().name == name) return b.get();
    }
    return nullptr;
  }

  const std::vector<std::unique_ptr<gen::Backend>>& all() const {
    return backends_;
  }
  const std::string& default_name() const { return default_; }

 private:
  std::vector<std::unique_ptr<gen::Backend>> backends_;
  std::string default_;
};

}  // namespace aigen::jobs
