//! A small benchmark harness that compares variants measured in the same run.
//!
//! Each [`Comparison`] warms every variant up, then runs `rounds` rounds; in each round every
//! variant runs `per_round` timed iterations, and the order of the variants flips from one
//! round to the next. Interleaving matters on a shared machine: a burst of noise from another
//! process lands on all variants alike instead of on whichever ran at that moment.

use std::time::{Duration, Instant};

use crate::BenchError;

/// One thing to measure: a name and one iteration of work.
pub struct Variant<'a> {
    name: &'static str,
    run: Box<dyn FnMut() -> Result<(), BenchError> + 'a>,
}

impl std::fmt::Debug for Variant<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Variant")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl<'a> Variant<'a> {
    /// A variant whose one iteration is `run`.
    pub fn new(name: &'static str, run: impl FnMut() -> Result<(), BenchError> + 'a) -> Self {
        Self {
            name,
            run: Box::new(run),
        }
    }
}

/// Summary statistics of one variant.
#[derive(Debug, Clone)]
pub struct Stats {
    /// The variant's name.
    pub name: &'static str,
    /// How many timed iterations.
    pub samples: usize,
    /// The median iteration.
    pub median: Duration,
    /// The 95th percentile.
    pub p95: Duration,
    /// The mean.
    pub mean: Duration,
    /// The fastest iteration.
    pub min: Duration,
}

impl Stats {
    fn from_samples(name: &'static str, mut samples: Vec<Duration>) -> Self {
        samples.sort_unstable();
        let n = samples.len().max(1);
        let at = |q: f64| {
            let index = ((n as f64 - 1.0) * q).round() as usize;
            samples.get(index).copied().unwrap_or_default()
        };
        let total: Duration = samples.iter().sum();
        Self {
            name,
            samples: samples.len(),
            median: at(0.5),
            p95: at(0.95),
            mean: total / n as u32,
            min: samples.first().copied().unwrap_or_default(),
        }
    }
}

/// The results of one comparison.
#[derive(Debug, Clone)]
pub struct Report {
    /// The comparison's title.
    pub title: String,
    /// One entry per variant, in the order given.
    pub stats: Vec<Stats>,
}

impl Report {
    /// The statistics of the variant called `name`.
    pub fn get(&self, name: &str) -> Result<&Stats, BenchError> {
        self.stats
            .iter()
            .find(|stats| stats.name == name)
            .ok_or_else(|| format!("no variant named `{name}` in `{}`", self.title))
    }

    /// The ratio of the medians of `name` and `baseline`.
    pub fn ratio(&self, name: &str, baseline: &str) -> Result<f64, BenchError> {
        let a = self.get(name)?.median.as_secs_f64();
        let b = self.get(baseline)?.median.as_secs_f64();
        Ok(if b > 0.0 { a / b } else { f64::NAN })
    }

    /// The difference of the medians of `name` and `baseline`, in microseconds.
    pub fn difference_us(&self, name: &str, baseline: &str) -> Result<f64, BenchError> {
        let a = self.get(name)?.median.as_secs_f64();
        let b = self.get(baseline)?.median.as_secs_f64();
        Ok((a - b) * 1e6)
    }

    /// Prints the table (called by [`Comparison::run`]).
    fn print(&self) {
        println!("\n## {}", self.title);
        println!(
            "  {:<40} {:>11} {:>11} {:>11} {:>11} {:>8}",
            "variant", "median", "p95", "mean", "min", "samples"
        );
        for stats in &self.stats {
            println!(
                "  {:<40} {:>11} {:>11} {:>11} {:>11} {:>8}",
                stats.name,
                format_duration(stats.median),
                format_duration(stats.p95),
                format_duration(stats.mean),
                format_duration(stats.min),
                stats.samples
            );
        }
    }
}

/// Prints a goal line: `goal: <text> ... met|MISSED`.
pub fn goal(description: &str, measured: String, met: bool) {
    let verdict = if met { "met" } else { "MISSED" };
    println!("  goal: {description}: measured {measured}: {verdict}");
}

/// Formats a duration with a unit that suits it.
pub fn format_duration(duration: Duration) -> String {
    let nanos = duration.as_nanos();
    if nanos < 10_000 {
        format!("{nanos} ns")
    } else if nanos < 10_000_000 {
        format!("{:.1} µs", nanos as f64 / 1e3)
    } else {
        format!("{:.2} ms", nanos as f64 / 1e6)
    }
}

/// How to run a comparison.
#[derive(Debug, Clone)]
pub struct Comparison {
    title: String,
    rounds: usize,
    per_round: usize,
    warmup: Duration,
}

impl Comparison {
    /// A comparison with 40 rounds of 250 iterations per variant and 300 ms of warm-up.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            rounds: 40,
            per_round: 250,
            warmup: Duration::from_millis(300),
        }
    }

    /// The number of rounds.
    pub fn rounds(mut self, rounds: usize) -> Self {
        self.rounds = rounds.max(1);
        self
    }

    /// The timed iterations of each variant in each round (scaled by `MUTAGENT_BENCH_SCALE`).
    pub fn per_round(mut self, per_round: usize) -> Self {
        self.per_round = per_round.max(1);
        self
    }

    /// How long each variant warms up before timing starts.
    pub fn warmup(mut self, warmup: Duration) -> Self {
        self.warmup = warmup;
        self
    }

    /// Whether this comparison is selected by the command line's filter (the first argument
    /// that does not start with `-`, as in `cargo bench -p mutagent-benches -- blocking`).
    pub fn selected(&self) -> bool {
        match filter() {
            Some(word) => self.title.contains(&word),
            None => true,
        }
    }

    /// Warms up, measures every variant, prints the table and returns the report.
    pub fn run(self, variants: &mut [Variant<'_>]) -> Result<Report, BenchError> {
        let per_round = ((self.per_round as f64) * scale()).ceil().max(1.0) as usize;
        for variant in variants.iter_mut() {
            let started = Instant::now();
            let mut iterations = 0u32;
            while started.elapsed() < self.warmup || iterations < 3 {
                (variant.run)().map_err(|err| format!("{} (warm-up): {err}", variant.name))?;
                iterations += 1;
            }
        }
        let mut samples: Vec<Vec<Duration>> = variants
            .iter()
            .map(|_| Vec::with_capacity(self.rounds * per_round))
            .collect();
        let count = variants.len();
        for round in 0..self.rounds {
            for position in 0..count {
                let index = if round % 2 == 0 {
                    position
                } else {
                    count - 1 - position
                };
                let (Some(variant), Some(times)) =
                    (variants.get_mut(index), samples.get_mut(index))
                else {
                    continue;
                };
                for _ in 0..per_round {
                    let started = Instant::now();
                    (variant.run)().map_err(|err| format!("{}: {err}", variant.name))?;
                    times.push(started.elapsed());
                }
            }
        }
        let report = Report {
            title: self.title,
            stats: variants
                .iter()
                .zip(samples)
                .map(|(variant, times)| Stats::from_samples(variant.name, times))
                .collect(),
        };
        report.print();
        Ok(report)
    }
}

/// `MUTAGENT_BENCH_SCALE` (default 1): multiplies the iterations of every comparison.
pub fn scale() -> f64 {
    std::env::var("MUTAGENT_BENCH_SCALE")
        .ok()
        .and_then(|value| value.parse::<f64>().ok())
        .filter(|value| value.is_finite() && *value > 0.0)
        .unwrap_or(1.0)
}

fn filter() -> Option<String> {
    std::env::args().skip(1).find(|arg| !arg.starts_with('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_known_samples() {
        let samples = (1..=100).map(Duration::from_micros).collect();
        let stats = Stats::from_samples("x", samples);
        assert_eq!(stats.median, Duration::from_micros(51));
        assert_eq!(stats.p95, Duration::from_micros(95));
        assert_eq!(stats.min, Duration::from_micros(1));
        assert_eq!(stats.samples, 100);
    }

    #[test]
    fn ratios_and_differences_use_medians() {
        let report = Report {
            title: "t".into(),
            stats: vec![
                Stats::from_samples("a", vec![Duration::from_micros(10); 5]),
                Stats::from_samples("b", vec![Duration::from_micros(15); 5]),
            ],
        };
        assert!((report.ratio("b", "a").unwrap_or_default() - 1.5).abs() < 1e-9);
        assert!((report.difference_us("b", "a").unwrap_or_default() - 5.0).abs() < 1e-6);
        assert!(report.get("c").is_err());
    }
}
