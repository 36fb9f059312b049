#pragma once
// What an operator does with the CLI while the daemon serves: key create, update, disable,
// enable and delete, key rule add and rm, drawn by a seeded generator. Every command drawn
// is valid for the keys and rules the generator has seen created, so it exits 0 unless
// something is wrong (or it was killed). The keys under load are only ever updated,
// disabled, enabled and given rules about another model; their periods stay as they are.
#include "tests/support/process.h"

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace test {

class CliMutations {
public:
  CliMutations(std::vector<std::string> load_key_ids, std::uint64_t seed);

  // The next command: the arguments after `llmgw --db <db>`.
  std::vector<std::string> next();
  // Learns the key and rule ids a command created from its --json output (a killed or
  // failed command teaches nothing).
  void learn(const std::vector<std::string>& args, const Result& result);

private:
  std::string any_key();

  std::vector<std::string> m_load_keys;
  std::vector<std::string> m_own_keys;                     // created here, deleted at will
  std::map<std::string, std::vector<std::string>> m_rules;  // key id -> rule ids
  std::mt19937_64 m_random;
  std::uint64_t m_count = 0;
};

}  // namespace test
