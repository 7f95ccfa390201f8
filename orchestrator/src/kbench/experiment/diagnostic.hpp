// Located problems of an experiment, reported all at once before any work.
#pragma once

#include <kbench/experiment/experiment.hpp>

#include <string>
#include <vector>

namespace kbench::experiment {

// One problem: where it is and what is wrong (quoting the offending value).
struct Diagnostic {
  Location where;
  std::string message;
};

// Every problem found, in the order found.
using Diagnostics = std::vector<Diagnostic>;

// Return "FILE:LINE:COL: message".
std::string format(const Diagnostic& diagnostic);

// Throw kbench::Error(invalid_config) listing every diagnostic, one per line, when there is any.
void throw_if_any(const Diagnostics& diagnostics);

// Return `value` in double quotes, with quotes and control characters escaped.
std::string quote(const std::string& value);

// Return the candidate closest to `word` by edit distance, or "" when none is close.
std::string closest(const std::string& word, const std::vector<std::string>& candidates);

// Return the Levenshtein distance between `a` and `b`.
std::size_t edit_distance(const std::string& a, const std::string& b);

} // namespace kbench::experiment
