#include "api/handlers.h"
#include "media/image.h"

namespace aigen::api {
namespace {

// Image files never change (their names are content hashes), so they are
// cached for good and revalidated by id.
http::Response ServeStored(const http::Request& req,
                           const std::string& image_id,
                           const media::FileStore& files,
                           const std::string& relative,
                           const std::string& type) {
  const std::string etag = "\"" + image_id + "\"";
  http::Response res;
  res.headers.emplace_back("ETag", etag);
  res.headers.emplace_back("Cache-Control",
                           "public, max-age=31536000, immutable");
  if (req.header("If-None-Match") == etag) {
    res.status = 304;
    res.content_type.clear();
    return res;
  }
  std::filesystem::path path = files.Resolve(relative);
  if (path.empty())
    return http::ErrorResponse(Status::NotFound("no such image", "not_found"));
  res.file = path.string();
  res.content_type = type;
  return res;
}

}  // namespace

http::Response GetImageFile(ApiDeps& deps, const http::Request& req) {
  auto image = deps.store.GetImage(req.param(1));
  if (!image.ok()) return http::ErrorResponse(image.status());
  bool jpeg = image->format == model::ImageFormat::kJpeg;
  if (req.param(2) != (jpeg ? "jpg" : "png")) {
    return http::ErrorResponse(Status::NotFound("no such image", "not_found"));
  }
  return ServeStored(req, image->id, deps.images, image->file,
                     jpeg ? "image/jpeg" : "image/png");
}

http::Response GetThumbnail(ApiDeps& deps, const http::Request& req) {
  auto image = deps.store.GetImage(req.param(1));
  if (!image.ok()) return http::ErrorResponse(image.status());
  return ServeStored(req, image->id, deps.thumbs, image->thumb, "image/jpeg");
}

}  // namespace aigen::api
