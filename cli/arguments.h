#pragma once
// Turning option text into values. Each throws Error(invalid) naming the option, so a bad
// argument ends with exit code 2 before the database is opened.
#include "core/money.h"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace llmgw::cli {

// An option whose absence matters: `target` stays empty unless it is given.
CLI::Option* add_optional(CLI::App* command, const std::string& name,
                          std::optional<std::string>& target, const std::string& help);

std::optional<Money> parse_money_option(const std::optional<std::string>& text,
                                        std::string_view option);

}  // namespace llmgw::cli
