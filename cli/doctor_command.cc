#include "cli/commands.h"
#include "cli/help_examples.h"
#include "cli/doctor.h"
#include "cli/output.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace llmgw::cli {

namespace {

// One line a finding, its fix indented below it:
//   warn  schema: version 18; this llmgw writes 19
//         fix: run 'llmgw init' to upgrade it ('llmgw serve' does too)
void print_findings(const std::vector<Finding>& findings) {
  std::string text;
  for (const Finding& finding : findings) {
    text += fmt::format("{:<5} {}: {}\n", to_string(finding.verdict), finding.topic, finding.message);
    if (!finding.fix.empty()) {
      text += fmt::format("      fix: {}\n", finding.fix);
    }
  }
  std::fputs(text.c_str(), stdout);
}

nlohmann::json findings_json(const std::vector<Finding>& findings) {
  nlohmann::json checks = nlohmann::json::array();
  for (const Finding& finding : findings) {
    checks.push_back({{"topic", finding.topic},
                      {"status", to_string(finding.verdict)},
                      {"message", finding.message},
                      {"fix", finding.fix.empty() ? nlohmann::json(nullptr) : nlohmann::json(finding.fix)}});
  }
  return checks;
}

}  // namespace

void add_doctor_command(CLI::App& app, Context& context) {
  auto* doctor = app.add_subcommand(
      "doctor", "show which database is used and why, and what is wrong with this setup");
  set_examples(doctor, {"llmgw doctor", "sudo llmgw doctor",
                        "llmgw --json doctor | jq '.checks[] | select(.status != \"ok\")'"});
  doctor->callback([&context] {
    Diagnosis diagnosis = diagnose(context.db_flag);
    bool failed = std::any_of(diagnosis.findings.begin(), diagnosis.findings.end(),
                              [](const Finding& f) { return f.verdict == Verdict::fail; });
    if (context.format() == Format::json) {
      nlohmann::json document = diagnosis.facts;
      document["checks"] = findings_json(diagnosis.findings);
      document["ok"] = !failed;
      print_json(context, document);
    } else {
      print_findings(diagnosis.findings);
    }
    context.exit_code = failed ? 1 : 0;
  });
}

}  // namespace llmgw::cli
