#include "http/static_assets.h"

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "util/encoding.h"
#include "web/assets.h"

namespace aigen::http {
namespace {

bool Compressible(std::string_view type) {
  return type.starts_with("text/") || type.starts_with("application/json") ||
         type.starts_with("application/manifest") ||
         type.starts_with("image/svg");
}

std::string Gzip(std::string_view data) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END ? out : std::string();
}

std::string ContentTypeOf(std::string_view path) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"}};
  for (auto [ext, type] : kTypes) {
    if (path.ends_with(ext)) return std::string(type);
  }
  return "application/octet-stream";
}

std::string Normalize(std::string_view path) {
  return path == "/" || path.empty() ? "/index.html" : std::string(path);
}

}  // namespace

StaticAssets StaticAssets::Embedded() {
  StaticAssets assets;
  for (const web::EmbeddedAsset& a : web::EmbeddedAssets()) {
    Entry e{a.content_type, a.etag, std::string_view(a.data, a.size), {}};
    if (Compressible(e.content_type) && a.size > 256) {
      std::string gz = Gzip(e.body);
      if (!gz.empty() && gz.size() < a.size * 9 / 10) e.gzip = std::move(gz);
    }
    assets.embedded_.emplace(a.path, std::move(e));
  }
  return assets;
}

StaticAssets StaticAssets::FromDirectory(std::string dir) {
  StaticAssets assets;
  assets.dir_ = std::move(dir);
  return assets;
}

std::optional<StaticAssets::Asset> StaticAssets::Find(
    std::string_view raw_path) const {
  std::string path = Normalize(raw_path);
  if (dir_.empty()) {
    auto it = embedded_.find(path);
    if (it == embedded_.end()) return std::nullopt;
    const Entry& e = it->second;
    return Asset{e.content_type, e.etag, e.body, e.gzip, nullptr};
  }
  // Dev mode: the files change under us, so read them each time.
  if (path.find("..") != std::string::npos ||
      path.find('\\') != std::string::npos) {
    return std::nullopt;
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dir_ + path, ec)) return std::nullopt;
  std::ifstream in(dir_ + path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  auto owner = std::make_shared<const std::string>(buffer.str());
  std::string etag = "\"" + util::Sha256Hex(*owner).substr(0, 32) + "\"";
  return Asset{ContentTypeOf(path), etag, *owner, {}, owner};
}

}  // namespace aigen::http
