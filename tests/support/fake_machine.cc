#include "tests/support/fake_machine.h"

namespace test {

namespace {

// $1 is the scratch folder, $2 the setup script, the rest llmgw and its arguments.
constexpr const char* k_script = R"(set -e
scratch=$1 setup=$2
shift 2
for folder in /etc /usr /var/lib; do
  mkdir -p "$scratch/upper$folder" "$scratch/work$folder"
  mount -t overlay overlay \
    -o "lowerdir=$folder,upperdir=$scratch/upper$folder,workdir=$scratch/work$folder" "$folder"
done
if [ ! -e "$scratch/prepared" ]; then
  rm -rf /etc/systemd/system/llmgw.service /usr/local/lib/systemd/system/llmgw.service \
    /usr/lib/systemd/system/llmgw.service /etc/llmgw /var/lib/llmgw /var/lib/private/llmgw
  touch "$scratch/prepared"
fi
sh -ec "$setup"
exec "$@"
)";

}  // namespace

Result llmgw_on_fake_machine(const std::string& scratch, const std::string& setup,
                             const std::vector<std::string>& args, RunOptions options) {
  options.env["LLMGW"] = llmgw_bin();
  std::vector<std::string> argv = {"/usr/bin/unshare", "--mount", "--propagation", "private",
                                   "sh", "-c", k_script, "sh", scratch, setup, llmgw_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, options);
}

}  // namespace test
