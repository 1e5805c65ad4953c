#pragma once
// Request checks and response helpers over httplib's types, shared by the
// server's adapters and guards. Only http/ includes this.

#include <httplib.h>

#include <string>

#include "http/static_assets.h"
#include "ratelimit/limiter.h"
#include "util/status.h"

namespace aigen::http {

// SO_REUSEADDR only: the library's default adds SO_REUSEPORT, which lets a
// second aigen silently share (and steal half of) the port.
void SocketOptions(int fd);

// Our JSON error body and status on `res`.
void SetJsonError(httplib::Response& res, const Status& status);

// Refuses, before the body is read, what the library would read without
// limit: chunked (411) or compressed (415) bodies and lengths over `max_body`
// (413). Returns true when `res` holds the refusal; the connection is then
// closed, because the unread body would be parsed as the next request.
bool RefuseBody(const httplib::Request& req, httplib::Response& res,
                size_t max_body);

// Everything but the API, image files and health is the frontend.
bool IsStaticRequest(const httplib::Request& req);

// Answers with the frontend file for req.path: strong ETag (304 on
// If-None-Match), the gzip copy when accepted, 404 JSON when there is none.
void ServeStaticAsset(const StaticAssets& assets, const httplib::Request& req,
                      httplib::Response& res);

// Counts the request against `limiter` under `client_key` and sets the
// RateLimit headers. When over the limit, fills `res` with 429, Retry-After
// and the error ({"error": "text"} for the original project's route) and
// returns false.
bool ApplyRateLimit(ratelimit::Limiter& limiter, bool seed_error_shape,
                    const std::string& client_key, httplib::Response& res);

// Streams the file at `path` as the body, honouring one Range from `ranges`
// (206, or 416 when unsatisfiable; its end is clamped to the file, since the
// library trusts both ends). 404 JSON when the file cannot be opened.
void ServeFile(const std::string& path, const std::string& type,
               httplib::Ranges& ranges, httplib::Response& res);

}  // namespace aigen::http
