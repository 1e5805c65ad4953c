#pragma once

#include "api/routes.h"
#include "http/message.h"

// One function per route, each: parse → validate → one service call →
// serialize. Grouped by resource in generations.cpp, images.cpp, system.cpp
// and openai_compat.cpp.
namespace aigen::api {

http::Response Health(ApiDeps& deps, const http::Request& req);
http::Response ListBackends(ApiDeps& deps, const http::Request& req);

http::Response CreateGeneration(ApiDeps& deps, const http::Request& req);
http::Response GetGeneration(ApiDeps& deps, const http::Request& req);
http::Response StreamGenerationEvents(ApiDeps& deps, const http::Request& req);
http::Response CancelGeneration(ApiDeps& deps, const http::Request& req);

http::Response GetImageFile(ApiDeps& deps, const http::Request& req);
http::Response GetThumbnail(ApiDeps& deps, const http::Request& req);

http::Response SeedCreateImage(ApiDeps& deps, const http::Request& req);

}  // namespace aigen::api
