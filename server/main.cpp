#include "cli/cli.h"

int main(int argc, char** argv) { return aigen::cli::Run(argc, argv); }
