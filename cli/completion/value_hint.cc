#include "cli/completion/value_hint.h"

namespace llmgw::cli {

namespace {

constexpr const char* k_hint_name = "completion";

const char* spec_of(ValueSource source) {
  switch (source) {
    case ValueSource::key_ids:
      return "keys";
    case ValueSource::rule_ids:
      return "rules";
    case ValueSource::model_ids:
      return "models";
    case ValueSource::provider_ids:
      return "providers";
    case ValueSource::files:
      return "file";
  }
  return "file";
}

// An inactive validator neither runs nor shows its description in --help; the description
// carries the hint.
CLI::Option* attach(CLI::Option* option, const std::string& spec) {
  CLI::Validator hint([](const std::string&) { return std::string(); }, spec, k_hint_name);
  hint.active(false);
  return option->check(hint);
}

}  // namespace

CLI::Option* complete_with(CLI::Option* option, ValueSource source) {
  return attach(option, spec_of(source));
}

CLI::Option* complete_with(CLI::Option* option, const std::vector<std::string_view>& words) {
  std::string spec = "words";
  for (std::string_view word : words) {
    spec += ' ';
    spec += word;
  }
  return attach(option, spec);
}

std::optional<std::string> completion_hint(CLI::Option& option) {
  try {
    const CLI::Validator& hint = *option.get_validator(k_hint_name);
    return hint.active(true).get_description();  // a copy, made active to read it
  } catch (const CLI::OptionNotFound&) {
    return std::nullopt;
  }
}

}  // namespace llmgw::cli
