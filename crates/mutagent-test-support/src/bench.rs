//! What the hand-rolled benchmarks share: the median (with min and max) of timed rounds, and
//! one printed line per figure.

/// The median, minimum and maximum of `values` (`NaN` when there are none).
pub fn summary(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let mid = values.get(values.len() / 2).copied().unwrap_or(f64::NAN);
    let min = values.first().copied().unwrap_or(f64::NAN);
    let max = values.last().copied().unwrap_or(f64::NAN);
    (mid, min, max)
}

/// Prints `what`, the median of `samples` in `unit`, and their range.
pub fn report(what: &str, unit: &str, samples: Vec<f64>) {
    let (mid, min, max) = summary(samples);
    println!("{what:<76} median {mid:>10.1} {unit}  (min {min:.1}, max {max:.1})");
}
