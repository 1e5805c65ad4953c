#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "gen/backend.h"
#include "util/status.h"

namespace aigen::gen {

// Renders the demo picture for (prompt, seed) as a PNG of width x height RGB
// pixels. Deterministic: the same arguments give byte-identical output on a
// given build. The picture is a procedural landscape whose colours and motifs
// follow words in the prompt ("sunset", "ocean", "forest", "night", "snow",
// "desert", "fire", "red", "gold", ...); it carries a "DEMO - NOT AI" caption
// and a PNG tEXt chunk Software = "aigen demo generator (not AI)".
// `on_progress`, if set, is called with 0..1 as rows are painted; returning
// false stops the work. Errors: InvalidArgument (a side outside 1..4096),
// Canceled (on_progress returned false), Internal (the encoder failed).
Result<std::string> RenderDemoPng(
    std::string_view prompt, int64_t seed, int width, int height,
    const std::function<bool(double)>& on_progress = {});

// The seed RenderDemoPng's callers use for "any seed" (-1): derived from the
// prompt, so it is deterministic; non-negative and below 2^31.
int64_t DemoSeedFor(std::string_view prompt);

// The built-in offline backend: no network, no model, procedural pictures.
// Thread-safe and stateless: any number of Generate calls may run at once.
class DemoBackend final : public Backend {
 public:
  // Uses config.name, config.concurrency and config.max_n (1..4; 0 means 4).
  explicit DemoBackend(const config::BackendConfig& config);

  const BackendInfo& info() const override { return info_; }

  // Renders request.n images with seeds seed, seed + 1, ... (seed -1: see
  // DemoSeedFor) and reports each seed used. Ignores negative_prompt.
  // Errors: InvalidArgument (n outside 1..max_n, a size the rule refuses),
  // Canceled (control.canceled was set), Internal.
  Result<std::vector<GeneratedImage>> Generate(const GenerateRequest& request,
                                               JobControl& control) override;

  // Sets control.canceled; Generate notices between rows.
  void Cancel(JobControl& control) override;

 private:
  BackendInfo info_;
};

}  // namespace aigen::gen
