// Fakes shared by the unit tests: a process runner that records commands and
// answers with scripted results instead of spawning anything.
#pragma once

#include <kbench/util/process.hpp>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kbench::test {

// A finished fake process: poll() returns its scripted result at once.
class FakeProcess final : public util::Process {
public:
  explicit FakeProcess(util::CommandResult result) : m_result(std::move(result)) {}

  int pid() const override { return 999999; }
  std::optional<util::CommandResult> poll() override { return m_result; }
  util::CommandResult terminate(std::chrono::milliseconds /*grace*/) override { return m_result; }

private:
  util::CommandResult m_result;
};

// Records every command; answers from rules matched in order (first match
// wins), or exit 0 with empty output when no rule matches. A rule's action
// may also touch the filesystem to imitate the command's effect.
class FakeProcessRunner final : public util::ProcessRunner {
public:
  using Predicate = std::function<bool(const util::Command&)>;
  using Action = std::function<util::CommandResult(const util::Command&)>;

  // Answer commands matching `predicate` with `action`.
  void on(Predicate predicate, Action action) {
    m_rules.emplace_back(std::move(predicate), std::move(action));
  }

  // Answer commands whose argv contains `word` with exit status `exit_code`
  // and `output`.
  void on_word(const std::string& word, int exit_code, std::string output = {}) {
    on([word](const util::Command& c) { return contains_word(c, word); },
       [exit_code, output](const util::Command&) {
         util::CommandResult r;
         r.exit_code = exit_code;
         r.output = output;
         return r;
       });
  }

  std::unique_ptr<util::Process> start(const util::Command& command) override {
    commands.push_back(command);
    for (const auto& [predicate, action] : m_rules) {
      if (predicate(command)) {
        return std::make_unique<FakeProcess>(action(command));
      }
    }
    util::CommandResult ok;
    ok.exit_code = 0;
    return std::make_unique<FakeProcess>(ok);
  }

  // Return true when some argv element of `command` equals `word`.
  static bool contains_word(const util::Command& command, const std::string& word) {
    for (const auto& arg : command.argv) {
      if (arg == word) {
        return true;
      }
    }
    return false;
  }

  // Return the commands started so far whose argv contains `word`.
  std::vector<util::Command> with_word(const std::string& word) const {
    std::vector<util::Command> found;
    for (const auto& c : commands) {
      if (contains_word(c, word)) {
        found.push_back(c);
      }
    }
    return found;
  }

  // Every command started, in order.
  std::vector<util::Command> commands;

private:
  std::vector<std::pair<Predicate, Action>> m_rules;
};

} // namespace kbench::test
