#include "cli/run.h"

int main(int argc, char** argv) {
  return llmgw::cli::run(argc, argv);
}
