#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace aigen::web {

// One file of web/static, embedded at build time (cmake/EmbedAssets.cmake).
struct EmbeddedAsset {
  const char* path;          // "/index.html"
  const char* content_type;  // "text/html; charset=utf-8"
  const char* etag;          // strong ETag, quoted: "\"3f2a...\""
  const char* data;
  size_t size;
};

// Every embedded asset, sorted by path. Empty when web/static is empty.
std::span<const EmbeddedAsset> EmbeddedAssets();

// schema.sql as embedded at build time.
std::string_view EmbeddedSchema();

}  // namespace aigen::web
