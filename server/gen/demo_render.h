#pragma once

// Internal to the demo backend: paints a DemoScene into RGB pixels.
// Pure functions of their arguments; safe to call from many threads at once.

#include <cstdint>
#include <functional>
#include <vector>

#include "gen/demo_palette.h"

namespace aigen::gen {

// Called after each painted row with the number of rows done so far; returning
// false stops the painting.
using DemoRowCallback = std::function<bool(int rows_done)>;

// Paints `scene` into `rgb` (width * height * 3 bytes, row-major RGB8).
// Returns false when `on_row` asked to stop (`rgb` is then partly painted).
// REQUIRES: width, height >= 1; on_row callable.
bool RenderDemoScene(const DemoScene& scene, int width, int height,
                     uint8_t* rgb, const DemoRowCallback& on_row);

// Blends the "DEMO - NOT AI" caption (just "DEMO" when the image is too
// narrow) into the bottom-right corner of `rgb`.
void DrawDemoCaption(uint8_t* rgb, int width, int height);

// The painter's pixel geometry, shared by its files.
struct DemoFrame {
  int width = 0, height = 0;
  float unit = 0;     // the shorter side: noise and shapes scale with it
  float horizon = 0;  // in pixels from the top
};
DemoFrame MakeDemoFrame(const DemoScene& scene, int width, int height);

// One band of land, far (index 0) to near (demo_land.cpp).
struct DemoLayer {
  std::vector<float> top;  // per column: the first row covered
  std::vector<int> left;   // per column: left edge of its building (city only)
  Rgb color;               // lit and hazed for its distance
  Rgb snow;                // snowcap colour, lit and hazed the same way
  float snowline = -1;     // rows above this (minus noise) are snow; -1: none
};

// The land layers of `scene`, nearest last; empty when the scene has none.
std::vector<DemoLayer> BuildDemoLand(const DemoScene& scene,
                                     const DemoFrame& frame);

// Per-pixel effects (demo_effects.cpp), shared by the painter.

// Star brightness 0..1 at (x, y): one star in a `cell`-pixel cell with
// probability `density` (0..1), placed and sized by `seed`.
float StarAt(int x, int y, int cell, float density, uint64_t seed);

// Snowflake coverage 0..1 at (x, y): soft discs up to `max_radius` pixels, at
// most one per `cell`-pixel cell.
float FlakeAt(int x, int y, int cell, float max_radius, uint64_t seed);

// Light added by a flame of heat 0..1 (black, red, orange, yellow, white).
Rgb FireRamp(float heat);

}  // namespace aigen::gen
