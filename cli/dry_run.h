#pragma once
// `--dry-run`: the command's change runs for real inside a transaction that is rolled back
// (Store::begin_dry_run), so it cannot write, and what it would change is reported from
// the difference between the keys, rules, providers and models before and after it.
//
// Human: one line a change on stdout ("add key key_x (ci)", "change provider openai:
// enabled true -> false", "remove model gpt-4o"), or "no changes", and "Dry run: nothing
// was written." on stderr. JSON: {"dry_run": true, "changes": [{"action": "add" | "change"
// | "remove", "kind": "provider" | "model" | "key" | "rule", "id", "before": document or
// null, "after": document or null}]}, providers first, then models, keys and rules, each
// by id; the documents are those of `providers`, `models`, `key show` and `key rule list`.
// A secret is never shown: a key's prefix that the change would make is null, and a new
// key's line says it has no secret ("add key key_x (ci), with no secret: a real run makes
// one and prints it once"). The ids of
// new keys and rules are made for the dry run only; the real run makes others.
#include "cli/context.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <utility>

namespace llmgw::cli {

class DryRun {
public:
  // Begins the rolled-back transaction and records the state before the change.
  explicit DryRun(Context& context);
  DryRun(const DryRun&) = delete;
  DryRun& operator=(const DryRun&) = delete;
  ~DryRun();

  // Records the state after the change, rolls it back and prints the differences.
  void report();

private:
  using State = std::map<std::pair<int, std::string>, nlohmann::json>;  // (kind, id)
  State state();

  Context& m_context;
  Timestamp m_now;
  State m_before;
};

// Runs `change` and hands what it returns to `print`; with --dry-run, runs it inside a
// DryRun and prints the differences instead.
template <class Change, class Print>
void run_change(Context& context, Change change, Print print) {
  if (!context.dry_run) {
    print(change());
    return;
  }
  DryRun dry_run(context);
  change();
  dry_run.report();
}

}  // namespace llmgw::cli
