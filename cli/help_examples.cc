#include "cli/help_examples.h"

namespace llmgw::cli {

void set_examples(CLI::App* command, const std::vector<std::string>& examples) {
  std::string footer = "Examples:";
  for (const std::string& example : examples) {
    footer += "\n  " + example;
  }
  command->footer(footer);
}

}  // namespace llmgw::cli
