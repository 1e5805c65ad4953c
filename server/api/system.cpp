#include <nlohmann/json.hpp>

#include "api/handlers.h"
#include "version.h"

namespace aigen::api {

http::Response Health(ApiDeps&, const http::Request&) {
  return http::JsonResponse(200,
                            {{"status", "ok"}, {"version", AIGEN_VERSION}});
}

http::Response ListBackends(ApiDeps& deps, const http::Request&) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& backend : deps.backends.all()) {
    const gen::BackendInfo& info = backend->info();
    nlohmann::json sizes = nlohmann::json::array();
    for (const gen::Size& s : gen::SuggestedSizes(info.sizes))
      sizes.push_back(s.ToString());
    nlohmann::json custom = nullptr;
    if (info.sizes.fixed.empty()) {
      custom = {{"multiple_of", info.sizes.multiple_of},
                {"min", info.sizes.min_side},
                {"max", info.sizes.max_side}};
    }
    list.push_back({{"name", info.name},
                    {"type", info.type},
                    {"model", info.model},
                    {"is_demo", info.is_demo},
                    {"max_n", info.max_n},
                    {"sizes", std::move(sizes)},
                    {"custom_sizes", std::move(custom)}});
  }
  return http::JsonResponse(200, {{"default", deps.backends.default_name()},
                                  {"anonymous", deps.anonymous_generation},
                                  {"backends", std::move(list)}});
}

}  // namespace aigen::api
