#include "cli/arguments.h"

namespace llmgw::cli {

CLI::Option* add_optional(CLI::App* command, const std::string& name,
                          std::optional<std::string>& target, const std::string& help) {
  return command->add_option_function<std::string>(
      name, [&target](const std::string& value) { target = value; }, help);
}

std::optional<Money> parse_money_option(const std::optional<std::string>& text,
                                        std::string_view option) {
  if (!text) {
    return std::nullopt;
  }
  return Money::parse_usd(*text, option);
}

}  // namespace llmgw::cli
