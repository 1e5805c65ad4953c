#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace aigen::http {

// The frontend's files: the embedded copy (gzip variants made once at
// start-up), or a directory read on every request (--dev-static). Immutable
// after construction: thread-safe.
class StaticAssets {
 public:
  struct Asset {
    std::string content_type;
    std::string etag;  // strong, quoted
    std::string_view body;
    std::string_view gzip;  // empty when not worth compressing
    std::shared_ptr<const std::string> owner;  // keeps a dev-mode body alive
  };

  static StaticAssets Embedded();
  static StaticAssets FromDirectory(std::string dir);

  // The asset for a URL path ("/" means "/index.html"); nullopt when none.
  std::optional<Asset> Find(std::string_view path) const;

 private:
  struct Entry {
    std::string content_type, etag;
    std::string_view body;
    std::string gzip;
  };
  std::map<std::string, Entry, std::less<>> embedded_;
  std::string dir_;  // non-empty: dev mode
};

}  // namespace aigen::http
