// `llmgw doctor`: the database used and why, its schema, a gateway on it, credentials and
// the packaged service's files, each with a fix. Runs on a fake machine (a mount namespace,
// tests/support/fake_machine.h) wherever the packaged service's files matter.
#include "tests/support/cli_outcome.h"
#include "tests/support/daemon_process.h"
#include "tests/support/fake_machine.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <doctest/doctest.h>

#include <csignal>

using nlohmann::json;

namespace {

const std::vector<std::string> k_provider_env = {
    "ANTHROPIC_API_KEY", "DEEPSEEK_API_KEY", "GEMINI_API_KEY",     "GROQ_API_KEY",
    "MISTRAL_API_KEY",   "OPENAI_API_KEY",   "OPENROUTER_API_KEY", "TOGETHER_API_KEY",
    "XAI_API_KEY"};

// No provider credential, no database location but what the test gives.
test::RunOptions bare(const std::map<std::string, std::string>& env = {}) {
  test::RunOptions options;
  options.unset_env = k_provider_env;
  for (const char* name : {"LLMGW_DB", "XDG_DATA_HOME"}) {
    options.unset_env.push_back(name);
  }
  options.env = env;
  return options;
}

const std::string k_no_credentials =
    "warn  providers: no provider has a credential in this environment; only models that need "
    "none answer\n"
    "      fix: export the variable a provider names ('llmgw providers') before 'llmgw serve'; "
    "for the packaged service, put it in /etc/llmgw/llmgw.env\n";

const std::string k_no_service =
    "note  service: llmgw.service is not installed\n"
    "      fix: to run the gateway under systemd, install the .deb or run 'cmake --install' "
    "(README, \"On a VM with systemd\")\n";

const std::string k_not_served =
    "note  gateway: no gateway is running on this database\n"
    "      fix: start one with 'llmgw serve', or 'systemctl start llmgw' for the packaged "
    "service\n";

// A unit naming the packaged database, as packaging/llmgw.service.in does.
const std::string k_install_unit =
    "mkdir -p /usr/lib/systemd/system\n"
    "printf '[Service]\\nEnvironment=LLMGW_DB=/var/lib/llmgw/llmgw.db\\n' "
    "> /usr/lib/systemd/system/llmgw.service\n";

}  // namespace

TEST_CASE("doctor: a database given with --db, no credentials, no service: exit 0") {
  test::TempDir dir;
  std::string db = dir.file("llmgw.db");
  REQUIRE(test::llmgw(db, {"init"}).exit_code == 0);
  std::string before = test::read_file(db);
  test::Result r = test::llmgw_on_fake_machine(dir.file("machine"), "", {"--db", db, "doctor"}, bare());
  CHECK(r.err == "");
  CHECK(r.out == "ok    database: " + db + " (--db was given)\n"
                 "ok    schema: version 19, the one this llmgw writes\n" +
                     k_not_served + k_no_credentials + k_no_service);
  CHECK(r.exit_code == 0);
  CHECK(test::read_file(db) == before);
}

TEST_CASE("doctor: no database: fail, exit 1, and nothing is created") {
  test::TempDir dir;
  std::string db = dir.file("missing/llmgw.db");
  test::Result r = test::llmgw_on_fake_machine(dir.file("machine"), "", {"doctor"},
                                               bare({{"LLMGW_DB", db}}));
  CHECK(r.err == "");
  CHECK(r.out == "fail  database: no database at " + db + " (LLMGW_DB is set)\n"
                 "      fix: run 'llmgw init', or give --db / LLMGW_DB\n" +
                     k_no_credentials + k_no_service);
  CHECK(r.exit_code == 1);
  CHECK(test::run({"/usr/bin/test", "-e", dir.file("missing")}).exit_code == 1);
}

TEST_CASE("doctor: --json names the source of the database's path for scripts") {
  test::TempDir dir;
  auto source = [&](const std::vector<std::string>& args, const test::RunOptions& options) {
    test::Result r = test::llmgw_on_fake_machine(dir.file("machine"), "", args, options);
    json database = test::parse_json(r.out)["database"];
    return database["source"].get<std::string>() + ": " + database["reason"].get<std::string>();
  };
  std::vector<std::string> doctor = {"doctor", "--json"};
  CHECK(source({"--db", dir.file("a.db"), "doctor", "--json"}, bare()) == "flag: --db was given");
  CHECK(source(doctor, bare({{"LLMGW_DB", dir.file("a.db")}})) ==
        "environment: LLMGW_DB is set");
  CHECK(source(doctor, bare({{"XDG_DATA_HOME", dir.path()}})) ==
        "data_home: XDG_DATA_HOME is set, and neither --db nor LLMGW_DB");
  CHECK(source(doctor, bare({{"HOME", dir.path()}})) ==
        "home: the default under $HOME, since neither --db, LLMGW_DB nor XDG_DATA_HOME is set");
}

TEST_CASE("doctor: an older schema is a warning, a newer one a failure, and doctor migrates neither") {
  test::TempDir dir;
  std::string db = dir.file("llmgw.db");
  REQUIRE(test::llmgw(db, {"init"}).exit_code == 0);
  std::string machine = dir.file("machine");
  auto schema_after = [&](const std::string& version) {
    REQUIRE(test::run({"/usr/bin/sqlite3", db, "PRAGMA user_version = " + version}).exit_code == 0);
    test::Result r = test::llmgw_on_fake_machine(machine, "", {"--db", db, "doctor"}, bare());
    test::Result still = test::run({"/usr/bin/sqlite3", db, "PRAGMA user_version"});
    CHECK(still.out == version + "\n");
    return r;
  };
  test::Result older = schema_after("18");
  CHECK(older.out.find("warn  schema: version 18; this llmgw writes 19\n"
                       "      fix: run 'llmgw init' to upgrade it ('llmgw serve' does too)\n") !=
        std::string::npos);
  CHECK(older.exit_code == 0);
  test::Result newer = schema_after("99");
  CHECK(newer.out.find("fail  schema: version 99 is newer than this llmgw knows (19)\n"
                       "      fix: use a newer llmgw\n") != std::string::npos);
  CHECK(newer.exit_code == 1);
}

TEST_CASE("doctor: on an older or newer schema, leaves no -wal or -shm file beside it") {
  // As root on the service's database they would be root's, and the service could not
  // open its own database.
  test::TempDir dir;
  std::string db = dir.file("llmgw.db");
  REQUIRE(test::llmgw(db, {"init"}).exit_code == 0);
  for (std::string version : {"18", "99"}) {
    CAPTURE(version);
    REQUIRE(test::run({"/usr/bin/sqlite3", db, "PRAGMA user_version = " + version}).exit_code == 0);
    REQUIRE(!test::exists(db + "-wal"));
    std::string before = test::read_file(db);
    test::llmgw(db, {"doctor"}, bare());
    CHECK(!test::exists(db + "-wal"));
    CHECK(!test::exists(db + "-shm"));
    CHECK(test::read_file(db) == before);
  }
}

TEST_CASE("doctor: a database in rollback-journal mode, as 'llmgw backup' writes, stays so") {
  test::TempDir dir;
  std::string db = dir.file("llmgw.db");
  REQUIRE(test::llmgw(db, {"init"}).exit_code == 0);
  std::string copy = dir.file("copy.db");
  REQUIRE(test::llmgw(db, {"backup", copy}).exit_code == 0);
  std::string before = test::read_file(copy);
  test::Result r = test::llmgw(copy, {"doctor"}, bare());
  CHECK(r.out.find("ok    schema: version 19, the one this llmgw writes\n") != std::string::npos);
  CHECK(test::run({"/usr/bin/sqlite3", copy, "PRAGMA journal_mode"}).out == "delete\n");
  CHECK(test::read_file(copy) == before);
}

TEST_CASE("doctor: says whether a gateway is running on the database") {
  test::TempDir dir;
  std::string db = dir.file("llmgw.db");
  REQUIRE(test::llmgw(db, {"init"}).exit_code == 0);
  auto running = [&] {
    test::Result r = test::llmgw(db, {"doctor", "--json"}, bare());
    return test::parse_json(r.out)["database"]["gateway_running"];
  };
  CHECK(running() == false);
  {
    test::DaemonProcess daemon(db);
    CHECK(running() == true);
    test::Result r = test::llmgw(db, {"doctor"}, bare());
    CHECK(r.out.find("ok    gateway: a gateway is running on this database\n") != std::string::npos);
    CHECK(daemon.stop(SIGTERM) == 0);
  }
  CHECK(running() == false);
}

TEST_CASE("doctor: credentials in this environment are named, never their values") {
  test::TempDir dir;
  std::string db = dir.file("llmgw.db");
  REQUIRE(test::llmgw(db, {"init"}).exit_code == 0);
  test::Result r = test::llmgw(db, {"doctor"}, bare({{"OPENAI_API_KEY", "sk-doctor-secret-1"}}));
  CHECK(r.out.find("ok    providers: credentials in this environment: openai (OPENAI_API_KEY); "
                   "none for anthropic, deepseek, google, groq, mistral, openrouter, together, "
                   "xai\n") != std::string::npos);
  CHECK(r.out.find("sk-doctor") == std::string::npos);
  json document = test::parse_json(test::llmgw(db, {"doctor", "--json"},
                                               bare({{"OPENAI_API_KEY", "sk-doctor-secret-1"}}))
                                       .out);
  json openai;
  for (const json& provider : document["providers"]) {
    if (provider["id"] == "openai") {
      openai = provider;
    }
  }
  CHECK(openai == json{{"id", "openai"},
                       {"enabled", true},
                       {"credential_env", "OPENAI_API_KEY"},
                       {"credential_set", true}});
  CHECK(document.dump().find("sk-doctor") == std::string::npos);
}

TEST_CASE("doctor: the packaged service's database is used when nothing else is set") {
  test::TempDir dir;
  std::string machine = dir.file("machine");
  test::RunOptions options = bare({{"HOME", dir.file("home")}});
  // Owned by the service's (dynamic) user, as systemd leaves it.
  test::Result init = test::llmgw_on_fake_machine(
      machine,
      "\"$LLMGW\" --db /var/lib/llmgw/llmgw.db init >/dev/null 2>&1\n"
      "chown -R 61234:61234 /var/lib/llmgw\n",
      {"key", "create", "-d", "on the service", "--json"}, options);
  CHECK(init.err == "");
  REQUIRE(init.exit_code == 0);
  test::Result listed = test::llmgw_on_fake_machine(
      machine, "", {"--db", "/var/lib/llmgw/llmgw.db", "key", "list", "--json"}, options);
  CHECK(test::parse_json(listed.out).size() == 1);
  CHECK(test::run({"/usr/bin/test", "-e", dir.file("home/.local")}).exit_code == 1);
  // Root's commands leave every file of the service's state to the service's user: the
  // overlay's upper folder holds what they wrote.
  test::Result owners = test::run(
      {"/usr/bin/find", dir.file("machine/upper/var/lib/llmgw"), "-not", "-uid", "61234"});
  CHECK(owners.out == "");
  CHECK(test::run({"/usr/bin/test", "-e", dir.file("machine/upper/var/lib/llmgw/llmgw.db-changes")})
            .exit_code == 0);
  test::Result doctor = test::llmgw_on_fake_machine(machine, "", {"doctor", "--json"}, options);
  json database = test::parse_json(doctor.out)["database"];
  CHECK(database["path"] == "/var/lib/llmgw/llmgw.db");
  CHECK(database["source"] == "service");
  CHECK(database["reason"] ==
        "the packaged service's database, since neither --db, LLMGW_DB nor XDG_DATA_HOME is set");
  // LLMGW_DB still wins over it.
  test::Result elsewhere = test::llmgw_on_fake_machine(
      machine, "", {"key", "list"}, bare({{"LLMGW_DB", dir.file("other.db")}}));
  CHECK(elsewhere.err == "llmgw: error: no database at " + dir.file("other.db") +
                             "; run 'llmgw init', or give --db / LLMGW_DB\n");
  CHECK(elsewhere.exit_code == 3);
}

TEST_CASE("doctor: the service's unit and environment file, and a command on another database") {
  test::TempDir dir;
  std::string db = dir.file("llmgw.db");
  REQUIRE(test::llmgw(db, {"init"}).exit_code == 0);
  std::string setup = k_install_unit +
                      "mkdir -m 0700 /etc/llmgw\n"
                      "printf 'OPENAI_API_KEY=sk-doctor-secret-2\\n#ANTHROPIC_API_KEY=x\\n"
                      "GROQ_API_KEY=\\n' > /etc/llmgw/llmgw.env\n"
                      "chmod 0644 /etc/llmgw/llmgw.env\n";
  test::Result r =
      test::llmgw_on_fake_machine(dir.file("machine"), setup, {"--db", db, "doctor"}, bare());
  std::string service = r.out.substr(r.out.find("ok    service:"));
  CHECK(service ==
        "ok    service: llmgw.service is installed at /usr/lib/systemd/system/llmgw.service\n"
        "warn  service: /etc/llmgw/llmgw.env is readable by others than its owner (mode 0644)\n"
        "      fix: chmod 0600 /etc/llmgw/llmgw.env\n"
        "ok    service: /etc/llmgw/llmgw.env sets OPENAI_API_KEY\n"
        "warn  service: the service uses /var/lib/llmgw/llmgw.db, this command " + db + "\n"
        "      fix: to change the service's data, give --db /var/lib/llmgw/llmgw.db (as its "
        "user: sudo systemd-run --pty -q -p DynamicUser=yes -p User=llmgw -p "
        "StateDirectory=llmgw -E LLMGW_DB=/var/lib/llmgw/llmgw.db llmgw ...)\n");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("sk-doctor") == std::string::npos);
}

TEST_CASE("doctor: a unit without an environment file") {
  test::TempDir dir;
  std::string db = dir.file("llmgw.db");
  REQUIRE(test::llmgw(db, {"init"}).exit_code == 0);
  test::Result r = test::llmgw_on_fake_machine(dir.file("machine"), k_install_unit,
                                               {"--db", db, "doctor", "--json"}, bare());
  json document = test::parse_json(r.out);
  CHECK(document["service"] == json{{"unit", "/usr/lib/systemd/system/llmgw.service"},
                                    {"environment_file", nullptr},
                                    {"environment_file_mode", nullptr},
                                    {"credentials", nullptr},
                                    {"database", "/var/lib/llmgw/llmgw.db"}});
  json env_check;
  for (const json& check : document["checks"]) {
    if (check["message"].get<std::string>().rfind("no /etc/llmgw", 0) == 0) {
      env_check = check;
    }
  }
  CHECK(env_check == json{{"topic", "service"},
                          {"status", "warn"},
                          {"message", "no /etc/llmgw/llmgw.env: the service has no provider credentials"},
                          {"fix", "install -D -m 0600 /usr/share/doc/llmgw/llmgw.env.example "
                                  "/etc/llmgw/llmgw.env, then set the credentials in it"}});
  CHECK(document["ok"] == true);
  CHECK(r.exit_code == 0);
}
