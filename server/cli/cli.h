#pragma once

namespace aigen::cli {

// Parses the command line and runs the subcommand: `serve` (the default),
// `config check [--config FILE]`, `--version`, `--help`. Returns the exit code.
int Run(int argc, char** argv);

}  // namespace aigen::cli
