// Descriptive statistics on one flat list of values. Conventions that keep
// every result a number (never NaN) are part of the contract and are listed
// per function; docs/statistics.md explains them for report readers.
#pragma once

#include <span>

namespace kbench::stats {

// Return the arithmetic mean of `values`, or 0 when `values` is empty.
double mean(std::span<const double> values);

// Return the sample standard deviation (divisor n-1, two-pass), or 0 when
// fewer than two values are given.
double sample_stddev(std::span<const double> values);

// Return stddev/|mean| (sample stddev), or 0 when the mean is 0; for
// non-negative data a zero mean means all values are 0, so 0 is exact there.
double coefficient_of_variation(std::span<const double> values);

// Return the p-quantile (0 <= p <= 1) of ascending-sorted `sorted` by linear
// interpolation between order statistics, Hyndman & Fan type 7 (R's default,
// numpy's "linear", Python's statistics.quantiles(method="inclusive")):
// h = (n-1)p, result = x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
// Returns 0 for an empty span; p is clamped to [0, 1]. Infinite values are
// allowed: next to an infinity the nearer order statistic is returned (no NaN).
double quantile_sorted(std::span<const double> sorted, double p);

// Return the type-7 p-quantile of unsorted `values` (copies and sorts).
double quantile(std::span<const double> values, double p);

// Return the median (type-7 0.5-quantile) of unsorted `values`, 0 when empty.
double median(std::span<const double> values);

// Return numerator/denominator, defined as 1 for 0/0 and +-infinity for x/0
// with x != 0, so that "both zero" reads as "unchanged" and no NaN appears.
double safe_ratio(double numerator, double denominator);

// Return (value - base)/|base|, defined as 0 when both are 0 and +-infinity
// (the sign of value) when only base is 0.
double relative_change(double base, double value);

} // namespace kbench::stats
