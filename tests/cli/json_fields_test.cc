// Each command's JSON fields are declared once, in cli/json_shapes.cc: the fields the
// command prints and those its man page lists under JSON FIELDS are exactly those.
#include "tests/cli/iam_cli_fixture.h"
#include "tests/support/logged_requests.h"

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace {

using Fields = std::set<std::string>;

Fields split(const std::string& text, const std::string& separator) {
  Fields out;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find(separator, start)) != std::string::npos;
       start = end + separator.size()) {
    out.insert(text.substr(start, end - start));
  }
  out.insert(text.substr(start));
  return out;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// The fields that `--json=_ <args>` names as available: the declared ones.
Fields declared_fields(const std::string& db, std::vector<std::string> args) {
  args.insert(args.begin(), "--json=_");
  test::Result r = test::llmgw(db, args);
  const std::string prefix = "llmgw: error: unknown JSON field '_'; available: ";
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 2);
  REQUIRE(r.err.rfind(prefix, 0) == 0);
  const std::string line = r.err.substr(0, r.err.find('\n'));  // then the --help pointer
  return split(line.substr(prefix.size()), ", ");
}

void add_fields(const nlohmann::json& record, Fields& out) {
  for (const auto& [name, value] : record.items()) {
    out.insert(name);
  }
}

// The fields of the records that `--json <args>` printed: of the document (of each line
// for logs), or of the arrays and objects named in `records`.
void add_printed_fields(const std::string& db, std::vector<std::string> args,
                        const std::vector<std::string>& records, Fields& out) {
  args.insert(args.begin(), "--json");
  test::Result r = test::llmgw(db, args);
  INFO("llmgw " << args[1] << ": " << r.err);
  REQUIRE((r.exit_code == 0 || args[1] == "doctor"));
  if (args[1] == "logs" && args.size() == 2) {
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      add_fields(nlohmann::json::parse(line), out);
    }
    return;
  }
  nlohmann::json document = nlohmann::json::parse(r.out);
  if (records.empty()) {
    add_fields(document, out);
  }
  for (const std::string& name : records) {
    const nlohmann::json& member = document.at(name);
    if (member.is_array()) {
      for (const nlohmann::json& record : member) {
        add_fields(record, out);
      }
    } else {
      add_fields(member, out);
    }
  }
}

// Troff text without font changes and with "\-" as "-".
std::string plain(const std::string& troff) {
  std::string out = troff;
  for (const char* font : {"\\fB", "\\fR", "\\fI"}) {
    out = replaced(out, font, "");
  }
  return replaced(out, "\\-", "-");
}

// What the JSON FIELDS sections of the man pages list, by command: an entry is ".TP", a
// tag ".B <command>[, <command>...]" and a line "[<where>: ]<field>, <field>, ...".
std::map<std::string, Fields> man_page_fields() {
  std::map<std::string, Fields> out;
  for (const char* page : {"llmgw.1", "llmgw-key.1", "llmgw-catalog.1", "llmgw-usage.1",
                           "llmgw-serve.1"}) {
    std::ifstream in(std::string(LLMGW_SOURCE_DIR) + "/man/" + page);
    REQUIRE(in);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
      lines.push_back(line);
    }
    bool in_section = false;
    for (std::size_t i = 0; i + 2 < lines.size(); ++i) {
      if (lines[i].rfind(".SH", 0) == 0) {
        in_section = lines[i] == ".SH JSON FIELDS";
      } else if (in_section && lines[i] == ".TP" && lines[i + 1].rfind(".B ", 0) == 0) {
        std::string text = plain(lines[i + 2]);
        std::size_t colon = text.find(": ");
        Fields fields = split(colon == std::string::npos ? text : text.substr(colon + 2), ", ");
        for (const std::string& command : split(plain(lines[i + 1].substr(3)), ", ")) {
          out[command] = fields;
        }
      }
    }
  }
  return out;
}

struct Case {
  std::string command;
  std::vector<std::string> records;
  // Runs whose printed fields together are the command's (some records lack some).
  std::vector<std::vector<std::string>> runs;
};

}  // namespace

TEST_CASE("cli: every command's JSON fields are the declared ones, and its man page lists them") {
  test::LabDatabase db;
  std::string key = test::create_key(db.path, {"-d", "fields", "--allow-model", "lab-chat"})["id"];
  std::string rule = test::parse_json(test::run_ok(db.path, {"--json", "key", "rule", "list",
                                                             key}))["rules"][0]["id"];
  test::log_requests(db.path, {test::request(key, "2026-11-27T10:00:00Z", "lab-chat", "lab")});
  std::string catalog = db.dir.file("catalog.json");
  test::write_file(catalog, R"({"providers": [], "models": []})");
  const std::vector<Case> cases = {
      {"init", {}, {{"init"}}},
      {"version", {}, {{"version"}}},
      {"doctor", {}, {{"doctor"}}},
      {"key create", {}, {{"key", "create", "-d", "another"}}},
      {"key list", {"keys"}, {{"key", "list"}}},
      {"key show", {}, {{"key", "show", key}}},
      {"key update", {}, {{"key", "update", key, "-d", "renamed"}}},
      {"key disable", {}, {{"key", "disable", key}}},
      {"key enable", {}, {{"key", "enable", key}}},
      {"key roll", {}, {{"key", "roll", "--yes", key}}},
      {"key rule list", {"rules"}, {{"key", "rule", "list", key}}},
      {"key rule add", {"rules"}, {{"key", "rule", "add", key, "--deny-model", "lab-paid"}}},
      {"key rule disable", {}, {{"key", "rule", "disable", key, rule}}},
      {"key rule enable", {}, {{"key", "rule", "enable", key, rule}}},
      {"key check", {}, {{"key", "check", key, "--model", "lab-chat"}}},
      {"providers", {"providers"}, {{"providers"}}},
      {"provider set", {}, {{"provider", "set", "lab", "--name", "Lab"}}},
      {"catalog export", {}, {{"catalog", "export"}}},
      {"catalog import", {}, {{"catalog", "import", catalog}}},
      {"models", {"models"}, {{"models"}}},
      {"model add",
       {},
       {{"model", "add", "lab-x", "--provider", "lab", "--input-price", "1", "--output-price",
         "2"}}},
      {"model update", {}, {{"model", "update", "lab-x", "--provider", "lab", "--input-price", "3"}}},
      {"model delete", {}, {{"model", "delete", "--yes", "lab-x"}}},
      {"usage",
       {"rows", "total"},
       {{"usage"},
        {"usage", "--by", "key"},
        {"usage", "--by", "model"},
        {"usage", "--by", "provider"},
        {"usage", "--by", "day"},
        {"usage", "--by", "hour"}}},
      {"logs", {}, {{"logs"}}},
      {"logs prune",
       {},
       {{"logs", "prune", "--older-than", "1d", "--dry-run"}, {"logs", "prune", "--older-than", "1d"}}},
      {"backup", {}, {{"backup", db.dir.file("copy.db")}}},
      {"key rule delete",
       {},
       {{"key", "rule", "delete", key, rule}, {"key", "rule", "delete", key, rule, "--if-exists"}}},
      {"key rule clear", {}, {{"key", "rule", "clear", "--yes", key}}},
      {"catalog reset", {}, {{"catalog", "reset", "--yes"}}},
      {"key delete", {}, {{"key", "delete", "--yes", key}, {"key", "delete", "--yes", key, "--if-exists"}}},
  };
  std::map<std::string, Fields> pages = man_page_fields();
  Fields documented, tested;
  for (const auto& [command, fields] : pages) {
    documented.insert(command);
  }
  for (const Case& c : cases) {
    CAPTURE(c.command);
    tested.insert(c.command);
    Fields declared = declared_fields(db.path, c.runs.front());
    Fields printed;
    for (const auto& run : c.runs) {
      add_printed_fields(db.path, run, c.records, printed);
    }
    CHECK(printed == declared);
    CHECK(pages[c.command] == declared);
  }
  CHECK(documented == tested);
}

TEST_CASE("cli: --json=FIELDS of a command that prints no JSON is a usage error") {
  test::TestDatabase db;
  CHECK(test::outcome_of(db.path, {"--json=id", "serve"}) ==
        test::refused(2, "--json=FIELDS: 'llmgw serve' prints no JSON fields to choose\n"
                          "see 'llmgw serve --help'"));
}
