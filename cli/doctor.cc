#include "cli/doctor.h"

#include "cli/service_files.h"
#include "core/catalog_store.h"
#include "core/db_path.h"
#include "core/error.h"
#include "core/migrations.h"
#include "core/serve_lock.h"

#include <fmt/format.h>
#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

namespace llmgw::cli {

using nlohmann::json;

namespace {

constexpr const char* k_as_service_user =
    "sudo systemd-run --pty -q -p DynamicUser=yes -p User=llmgw -p StateDirectory=llmgw "
    "-E LLMGW_DB={} llmgw ...";

// The schema version of an existing database, read without SQLite writing anything.
std::optional<int> read_schema(const std::string& path, std::string& error) {
  try {
    Store store(path, Access::read_only);
    return schema_version(store.db());
  } catch (const SQLite::Exception& e) {
    error = e.getErrorStr();
  } catch (const Error& e) {  // it could not be opened
    error = e.what();
  }
  return std::nullopt;
}

// Whether two paths name one file; by their text when either cannot be seen.
bool same_file(const std::string& a, const std::string& b) {
  struct stat first {}, second {};
  if (::stat(a.c_str(), &first) != 0 || ::stat(b.c_str(), &second) != 0) {
    return a == b;
  }
  return first.st_dev == second.st_dev && first.st_ino == second.st_ino;
}

class Doctor {
public:
  explicit Doctor(const std::optional<std::string>& db_flag)
      : m_location(locate_database(db_flag)), m_service(find_service_files()) {}

  Diagnosis run() {
    check_database();
    check_providers();
    check_service();
    return std::move(m_diagnosis);
  }

private:
  void add(std::string topic, Verdict verdict, std::string message, std::string fix = "") {
    m_diagnosis.findings.push_back({std::move(topic), verdict, std::move(message), std::move(fix)});
  }

  void check_database() {
    const std::string& path = m_location.path;
    bool exists = is_regular_file(path);
    json& facts = m_diagnosis.facts["database"];
    facts = {{"path", path},
             {"source", to_string(m_location.source)},
             {"reason", describe(m_location.source)},
             {"exists", exists},
             {"schema_version", nullptr},
             {"latest_schema_version", latest_schema_version()},
             {"gateway_running", nullptr}};
    if (!exists) {
      add("database", Verdict::fail,
          fmt::format("no database at {} ({})", path, describe(m_location.source)),
          "run 'llmgw init', or give --db / LLMGW_DB");
      return;
    }
    add("database", Verdict::ok, fmt::format("{} ({})", path, describe(m_location.source)));
    if (::access(path.c_str(), R_OK | W_OK) != 0) {
      add("database", Verdict::fail, fmt::format("this user cannot read and write {}", path),
          m_location.source == DbSource::service
              ? fmt::format("run commands as the service's user: {}",
                            fmt::format(k_as_service_user, path))
              : "run commands as the database's owner");
    }
    // Before SQLite opens the file in this process (core/serve_lock.h).
    Served served = llmgw::served(path);
    if (served != Served::unknown) {
      facts["gateway_running"] = served == Served::yes;
    }
    check_schema(facts);
    if (served == Served::yes) {
      add("gateway", Verdict::ok, "a gateway is running on this database");
    } else if (served == Served::no) {
      add("gateway", Verdict::note, "no gateway is running on this database",
          "start one with 'llmgw serve', or 'systemctl start llmgw' for the packaged service");
    }
  }

  void check_schema(json& facts) {
    std::string error;
    std::optional<int> version = read_schema(m_location.path, error);
    int latest = latest_schema_version();
    if (!version) {
      add("schema", Verdict::fail, fmt::format("cannot read the database: {}", error),
          "give --db the path of an llmgw database");
      return;
    }
    facts["schema_version"] = *version;
    m_schema_current = *version == latest;
    if (*version == latest) {
      add("schema", Verdict::ok, fmt::format("version {}, the one this llmgw writes", latest));
    } else if (*version < latest) {
      add("schema", Verdict::warn,
          fmt::format("version {}; this llmgw writes {}", *version, latest),
          "run 'llmgw init' to upgrade it ('llmgw serve' does too)");
    } else {
      add("schema", Verdict::fail,
          fmt::format("version {} is newer than this llmgw knows ({})", *version, latest),
          "use a newer llmgw");
    }
  }

  // The effective catalog when the database can be read as it is, else the built-in one.
  Catalog catalog() {
    if (m_schema_current) {
      Store store(m_location.path, Access::read_only);
      return CatalogStore(store).load();
    }
    return builtin_catalog();
  }

  void check_providers() {
    json& facts = m_diagnosis.facts["providers"];
    facts = json::array();
    std::vector<std::string> with, without;
    Catalog effective = catalog();
    for (const Provider& provider : effective.providers()) {
      bool needs = !provider.api_key_env.empty();
      const char* value = needs ? std::getenv(provider.api_key_env.c_str()) : nullptr;
      bool set = value != nullptr && *value != '\0';
      facts.push_back({{"id", provider.id},
                       {"enabled", provider.enabled},
                       {"credential_env", needs ? json(provider.api_key_env) : json(nullptr)},
                       {"credential_set", set}});
      if (!provider.enabled || !needs) {
        continue;
      }
      if (set) {
        with.push_back(fmt::format("{} ({})", provider.id, provider.api_key_env));
      } else {
        without.push_back(provider.id);
      }
    }
    if (with.empty()) {
      add("providers", Verdict::warn,
          "no provider has a credential in this environment; only models that need none answer",
          "export the variable a provider names ('llmgw providers') before 'llmgw serve'; for "
          "the packaged service, put it in /etc/llmgw/llmgw.env");
      return;
    }
    std::string message = fmt::format("credentials in this environment: {}", fmt::join(with, ", "));
    if (!without.empty()) {
      message += fmt::format("; none for {}", fmt::join(without, ", "));
    }
    add("providers", Verdict::ok, message);
  }

  void check_service() {
    json& facts = m_diagnosis.facts["service"];
    const std::optional<EnvironmentFile>& environment = m_service.environment;
    facts = {{"unit", m_service.unit ? json(*m_service.unit) : json(nullptr)},
             {"environment_file", environment ? json(environment->path) : json(nullptr)},
             {"environment_file_mode",
              environment ? json(fmt::format("{:04o}", environment->mode)) : json(nullptr)},
             {"credentials", nullptr},
             {"database", m_service.database}};
    if (!m_service.unit) {
      add("service", Verdict::note, "llmgw.service is not installed",
          "to run the gateway under systemd, install the .deb or run 'cmake --install' (README, "
          "\"On a VM with systemd\")");
      return;
    }
    add("service", Verdict::ok, fmt::format("llmgw.service is installed at {}", *m_service.unit));
    check_environment_file(facts);
    if (!same_file(m_location.path, m_service.database)) {
      add("service", Verdict::warn,
          fmt::format("the service uses {}, this command {}", m_service.database, m_location.path),
          fmt::format("to change the service's data, give --db {} (as its user: {})",
                      m_service.database, fmt::format(k_as_service_user, m_service.database)));
    }
  }

  void check_environment_file(json& facts) {
    const std::optional<EnvironmentFile>& environment = m_service.environment;
    if (!environment) {
      add("service", Verdict::warn,
          "no /etc/llmgw/llmgw.env: the service has no provider credentials",
          "install -D -m 0600 /usr/share/doc/llmgw/llmgw.env.example /etc/llmgw/llmgw.env, "
          "then set the credentials in it");
      return;
    }
    if ((environment->mode & 077) != 0) {
      add("service", Verdict::warn,
          fmt::format("{} is readable by others than its owner (mode {:04o})", environment->path,
                      environment->mode),
          fmt::format("chmod 0600 {}", environment->path));
    }
    if (!environment->readable) {
      add("service", Verdict::note,
          fmt::format("cannot read {} as this user", environment->path),
          "run 'llmgw doctor' as root to see which credentials the service has");
      return;
    }
    std::vector<std::string> credentials;
    for (const json& provider : m_diagnosis.facts["providers"]) {
      const json& name = provider["credential_env"];
      if (name.is_string() && environment->names.count(name.get<std::string>()) > 0) {
        credentials.push_back(name.get<std::string>());
      }
    }
    facts["credentials"] = credentials;
    if (credentials.empty()) {
      add("service", Verdict::warn,
          fmt::format("{} sets no provider's credential", environment->path),
          fmt::format("set the variable a provider names ('llmgw providers') in {}, then "
                      "'systemctl restart llmgw'",
                      environment->path));
    } else {
      add("service", Verdict::ok,
          fmt::format("{} sets {}", environment->path, fmt::join(credentials, ", ")));
    }
  }

  DbLocation m_location;
  ServiceFiles m_service;
  bool m_schema_current = false;
  Diagnosis m_diagnosis;
};

}  // namespace

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::ok:
      return "ok";
    case Verdict::note:
      return "note";
    case Verdict::warn:
      return "warn";
    case Verdict::fail:
      return "fail";
  }
  return "";
}

Diagnosis diagnose(const std::optional<std::string>& db_flag) {
  return Doctor(db_flag).run();
}

}  // namespace llmgw::cli
