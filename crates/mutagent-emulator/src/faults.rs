//! Fault injection: latency, error statuses (with `Retry-After`), connection resets, truncated
//! bodies and slowly dripping bodies, per route or for all routes, from the Nth matching request
//! on, limited by a count or a seeded probability.
//!
//! The same faults can be written as text (`--fault` on the command line, [`Fault::parse`]):
//!
//! ```text
//! route=GET /api/prompt/;status=503;retry-after=1;times=2
//! route=* /api/traces/*;reset;probability=0.3;seed=7
//! latency=250ms
//! route=POST /api/prompt/;reset;after=2;times=1
//! route=POST /api/prompt/{id}/versions;truncate
//! drip=20ms;chunk=4
//! ```

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::ids::Rng;

/// What a fault does to the response.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Action {
    /// Nothing besides the latency: the request is handled normally.
    Pass,
    /// Answer with this status and an error body; the request is not handled.
    Status {
        code: u16,
        retry_after: Option<Duration>,
    },
    /// Close the connection without answering; the request is not handled.
    Reset,
    /// Handle the request, announce the full `Content-Length`, send only part of the body, close.
    Truncate,
    /// Handle the request and send the body `chunk` bytes at a time with `delay` in between.
    Drip { chunk: usize, delay: Duration },
}

#[derive(Debug, Clone, PartialEq)]
enum PathMatch {
    Any,
    Exact(String),
    Prefix(String),
    Template(Vec<String>),
}

/// An injectable fault. Build one with [`Fault::status`], [`Fault::latency`], [`Fault::reset`],
/// [`Fault::truncate`] or [`Fault::drip`] (or parse the text syntax), then narrow it with
/// [`Fault::on_route`], [`Fault::after`], [`Fault::times`] and [`Fault::probability`].
///
/// When several faults match a request, the first injected one that fires wins.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    method: Option<String>,
    path: PathMatch,
    pub(crate) latency: Option<Duration>,
    pub(crate) action: Action,
    after: u32,
    times: Option<u32>,
    probability: Option<f64>,
    seed: u64,
}

impl Fault {
    fn new(action: Action) -> Self {
        Fault {
            method: None,
            path: PathMatch::Any,
            latency: None,
            action,
            after: 0,
            times: None,
            probability: None,
            seed: 0,
        }
    }

    /// Answer with `code` (e.g. 429, 500, 503) and a JSON error body instead of handling the request.
    ///
    /// `code` is one of 200..=599, as `status=` in the text syntax requires; any other number
    /// (a 1xx is not a final answer) is answered as a 500 whose message names it.
    pub fn status(code: u16) -> Self {
        Self::new(Action::Status {
            code,
            retry_after: None,
        })
    }

    /// Delay the answer by `delay`, then handle the request normally.
    pub fn latency(delay: Duration) -> Self {
        let mut f = Self::new(Action::Pass);
        f.latency = Some(delay);
        f
    }

    /// Close the connection without answering (the request is not handled).
    pub fn reset() -> Self {
        Self::new(Action::Reset)
    }

    /// Handle the request, send a `Content-Length` larger than the bytes actually sent (about half
    /// the body), then close the connection.
    pub fn truncate() -> Self {
        Self::new(Action::Truncate)
    }

    /// Handle the request and send the body slowly: 8 bytes (see [`Fault::chunk_size`]) at a time,
    /// waiting `delay` between chunks.
    pub fn drip(delay: Duration) -> Self {
        Self::new(Action::Drip { chunk: 8, delay })
    }

    /// Adds a `Retry-After` header (whole seconds, rounded up) to a status fault.
    pub fn retry_after(mut self, after: Duration) -> Self {
        if let Action::Status { retry_after, .. } = &mut self.action {
            *retry_after = Some(after);
        }
        self
    }

    /// Adds latency before the fault's action.
    pub fn with_latency(mut self, delay: Duration) -> Self {
        self.latency = Some(delay);
        self
    }

    /// Bytes per chunk of a drip fault (at least 1).
    pub fn chunk_size(mut self, bytes: usize) -> Self {
        if let Action::Drip { chunk, .. } = &mut self.action {
            *chunk = bytes.max(1);
        }
        self
    }

    /// Limits the fault to requests with this method (`"*"` = any) and path. The path is exact
    /// (`/api/prompt/`), a template whose `{…}` segments match any segment
    /// (`/api/prompt/{id}/versions`), a prefix ending in `*` (`/api/traces/*`), or `*` for all.
    /// It is matched against the path alone: a path with a query (`/api/prompt/?limit=1`)
    /// matches nothing, and neither does a prefix with a `{…}` segment, which is literal
    /// (the text syntax refuses both).
    pub fn on_route(mut self, method: &str, path: &str) -> Self {
        let m = method.trim();
        self.method = (!(m.is_empty() || m == "*")).then(|| m.to_ascii_uppercase());
        let p = path.trim();
        self.path = if p.is_empty() || p == "*" {
            PathMatch::Any
        } else if let Some(prefix) = p.strip_suffix('*') {
            PathMatch::Prefix(prefix.to_string())
        } else if p.contains('{') {
            PathMatch::Template(p.split('/').map(str::to_string).collect())
        } else {
            PathMatch::Exact(p.to_string())
        };
        self
    }

    /// Lets the first `n` matching requests through untouched, then fires: with
    /// [`times(1)`](Fault::times), exactly the `n + 1`-th matching request gets the fault
    /// (`after(2).times(1)`: the third). Every matching request counts, also one that an
    /// earlier injected fault took.
    pub fn after(mut self, n: u32) -> Self {
        self.after = n;
        self
    }

    /// Fires at most `n` times, then is inert.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// Fires with probability `p` (0..=1) per matching request, drawn from a generator seeded
    /// with `seed`, so the same request sequence always sees the same faults.
    pub fn probability(mut self, p: f64, seed: u64) -> Self {
        self.probability = Some(if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) });
        self.seed = seed;
        self
    }

    /// Parses the text syntax of `--fault`: `key=value` or `flag` items separated by `;`, such
    /// as `route=GET /api/prompt/;status=503;retry-after=1;times=2`, `latency=250ms` or
    /// `route=* /api/traces/*;reset;probability=0.3;seed=7` (every item is in
    /// [docs/emulator.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/emulator.md#fault-syntax)).
    pub fn parse(spec: &str) -> Result<Fault, FaultParseError> {
        spec.parse()
    }

    /// Whether the fault applies to a request (ignoring `times` and `probability`).
    pub fn matches(&self, method: &str, path: &str) -> bool {
        if let Some(m) = &self.method {
            if !m.eq_ignore_ascii_case(method) {
                return false;
            }
        }
        match &self.path {
            PathMatch::Any => true,
            PathMatch::Exact(p) => p == path,
            PathMatch::Prefix(p) => path.starts_with(p.as_str()),
            PathMatch::Template(segs) => {
                let parts: Vec<&str> = path.split('/').collect();
                parts.len() == segs.len()
                    && segs.iter().zip(&parts).all(|(s, p)| {
                        if s.starts_with('{') && s.ends_with('}') {
                            !p.is_empty()
                        } else {
                            s == p
                        }
                    })
            }
        }
    }
}

/// A duration in the text syntax, exactly: `2s`, `250ms`, or fractional milliseconds
/// (`1.5ms`) for a sub-millisecond part, which whole milliseconds would drop.
fn fmt_duration(d: Duration) -> String {
    if d.as_secs() > 0 && d.subsec_nanos() == 0 {
        return format!("{}s", d.as_secs());
    }
    let nanos = d.as_nanos();
    let (ms, rest) = (nanos / 1_000_000, nanos % 1_000_000);
    if rest == 0 {
        format!("{ms}ms")
    } else {
        let fraction = format!("{rest:06}");
        format!("{ms}.{}ms", fraction.trim_end_matches('0'))
    }
}

impl fmt::Display for Fault {
    /// Renders the fault in the text syntax accepted by [`Fault::parse`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        let path = match &self.path {
            PathMatch::Any => "*".to_string(),
            PathMatch::Exact(p) => p.clone(),
            PathMatch::Prefix(p) => format!("{p}*"),
            PathMatch::Template(s) => s.join("/"),
        };
        if self.method.is_some() || self.path != PathMatch::Any {
            parts.push(format!(
                "route={} {path}",
                self.method.as_deref().unwrap_or("*")
            ));
        }
        if let Some(l) = self.latency {
            parts.push(format!("latency={}", fmt_duration(l)));
        }
        match &self.action {
            Action::Pass => {}
            Action::Status { code, retry_after } => {
                parts.push(format!("status={code}"));
                if let Some(r) = retry_after {
                    parts.push(format!("retry-after={}", retry_after_secs(*r)));
                }
            }
            Action::Reset => parts.push("reset".into()),
            Action::Truncate => parts.push("truncate".into()),
            Action::Drip { chunk, delay } => {
                parts.push(format!("drip={}", fmt_duration(*delay)));
                parts.push(format!("chunk={chunk}"));
            }
        }
        if self.after > 0 {
            parts.push(format!("after={}", self.after));
        }
        if let Some(t) = self.times {
            parts.push(format!("times={t}"));
        }
        if let Some(p) = self.probability {
            parts.push(format!("probability={p}"));
            parts.push(format!("seed={}", self.seed));
        }
        f.write_str(&parts.join(";"))
    }
}

/// `Retry-After` seconds for a duration (rounded up).
pub(crate) fn retry_after_secs(d: Duration) -> u64 {
    d.as_secs().saturating_add(u64::from(d.subsec_nanos() > 0))
}

/// Error of parsing the fault text syntax.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid fault `{spec}`: {reason}")]
pub struct FaultParseError {
    spec: String,
    reason: String,
}

/// Parses `250ms`, `2s`, `1.5s`, or a bare number of `default_unit_ms` milliseconds per unit.
fn parse_duration(v: &str, bare_is_secs: bool) -> Option<Duration> {
    let v = v.trim();
    let (num, scale) = if let Some(n) = v.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1.0)
    } else if bare_is_secs {
        (v, 1.0)
    } else {
        (v, 0.001)
    };
    let x: f64 = num.trim().parse().ok()?;
    // Rounded to whole nanoseconds, so `1.5ms` is exactly 1,500,000 ns (as `Display` wrote it).
    (x.is_finite() && (0.0..1e9).contains(&x))
        .then(|| Duration::from_nanos((x * scale * 1e9).round() as u64))
}

/// The items that take no value.
const FLAGS: [&str; 2] = ["reset", "truncate"];

/// The documented name of a key (aliases such as `p` or `delay` map to it); `None` when unknown.
fn canonical_key(key: &str) -> Option<&'static str> {
    Some(match key {
        "route" => "route",
        "latency" | "delay" => "latency",
        "status" => "status",
        "retry-after" | "retry_after" => "retry-after",
        "reset" => "reset",
        "truncate" | "truncated" => "truncate",
        "drip" => "drip",
        "chunk" => "chunk",
        "after" => "after",
        "times" => "times",
        "probability" | "p" => "probability",
        "seed" => "seed",
        _ => return None,
    })
}

fn need<'a>(v: Option<&'a str>, key: &str) -> Result<&'a str, String> {
    v.filter(|v| !v.is_empty())
        .ok_or_else(|| format!("`{key}` needs a value"))
}

impl FromStr for Fault {
    type Err = FaultParseError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let err = |reason: String| FaultParseError {
            spec: spec.to_string(),
            reason,
        };
        let mut route: Option<(String, String)> = None;
        let mut latency = None;
        let mut action: Option<Action> = None;
        let mut retry_after = None;
        let mut chunk = None;
        let mut times = None;
        let mut after = 0;
        let mut probability = None;
        let mut seed = 0u64;
        let set_action = |a: Action, action: &mut Option<Action>| -> Result<(), FaultParseError> {
            if action.is_some() {
                return Err(err(
                    "only one of status, reset, truncate, drip may be given".into(),
                ));
            }
            *action = Some(a);
            Ok(())
        };
        let mut seen: Vec<&str> = Vec::new();
        for part in spec.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, val) = match part.split_once('=') {
                Some((k, v)) => (k.trim().to_ascii_lowercase(), Some(v.trim())),
                None => (part.to_ascii_lowercase(), None),
            };
            // A repeated key would silently override the first (`latency=5;latency=6`), and a
            // value on a flag would be ignored (`reset=false` would still reset): both refused.
            if let Some(name) = canonical_key(&key) {
                if seen.contains(&name) {
                    return Err(err(format!("`{name}` is given more than once")));
                }
                seen.push(name);
                if FLAGS.contains(&name) && val.is_some() {
                    return Err(err(format!(
                        "`{name}` is a flag and takes no value (write `{name}`, or leave it out)"
                    )));
                }
            }
            match key.as_str() {
                "route" => {
                    let v = need(val, &key).map_err(err)?;
                    let (m, p) = match v.split_once(char::is_whitespace) {
                        Some((m, p)) => (m.trim().to_string(), p.trim().to_string()),
                        None if v.starts_with('/') || v == "*" => ("*".to_string(), v.to_string()),
                        None => return Err(err(format!("route `{v}` must be `METHOD PATH`, `PATH` or `*`"))),
                    };
                    if !(p == "*" || p.starts_with('/')) {
                        return Err(err(format!("route path `{p}` must start with `/` or be `*`")));
                    }
                    // A prefix is literal, so `{id}` in one would only match the text `{id}`.
                    if p.len() > 1 && p.ends_with('*') && p.contains('{') {
                        return Err(err(format!("route path `{p}` is both a template (`{{…}}`) and a prefix (`*`): use one of them")));
                    }
                    // Faults match the path alone, so a route with a query could never fire.
                    if p.contains('?') {
                        return Err(err(format!("route path `{p}` has a query (`?…`): faults match the path only, write it without")));
                    }
                    route = Some((m, p));
                }
                "latency" | "delay" => {
                    let v = need(val, &key).map_err(err)?;
                    latency = Some(parse_duration(v, false).ok_or_else(|| err(format!("bad duration `{v}`")))?);
                }
                "status" => {
                    let v = need(val, &key).map_err(err)?;
                    // A 1xx is not a final answer: HTTP/1.1 cannot carry the error body with it.
                    let code: u16 = v.parse().ok().filter(|c| (200..=599).contains(c)).ok_or_else(|| err(format!("status `{v}` must be 200..599")))?;
                    set_action(Action::Status { code, retry_after: None }, &mut action)?;
                }
                "retry-after" | "retry_after" => {
                    let v = need(val, &key).map_err(err)?;
                    retry_after = Some(parse_duration(v, true).ok_or_else(|| err(format!("bad retry-after `{v}`")))?);
                }
                "reset" => set_action(Action::Reset, &mut action)?,
                "truncate" | "truncated" => set_action(Action::Truncate, &mut action)?,
                "drip" => {
                    let v = need(val, &key).map_err(err)?;
                    let delay = parse_duration(v, false).ok_or_else(|| err(format!("bad duration `{v}`")))?;
                    set_action(Action::Drip { chunk: 8, delay }, &mut action)?;
                }
                "chunk" => {
                    let v = need(val, &key).map_err(err)?;
                    chunk = Some(v.parse::<usize>().ok().filter(|c| *c >= 1).ok_or_else(|| err(format!("chunk `{v}` must be a positive integer")))?);
                }
                "after" => {
                    let v = need(val, &key).map_err(err)?;
                    after = v.parse::<u32>().map_err(|_| err(format!("after `{v}` must be a non-negative integer")))?;
                }
                "times" => {
                    let v = need(val, &key).map_err(err)?;
                    times = Some(v.parse::<u32>().map_err(|_| err(format!("times `{v}` must be a non-negative integer")))?);
                }
                "probability" | "p" => {
                    let v = need(val, &key).map_err(err)?;
                    probability = Some(v.parse::<f64>().ok().filter(|p| (0.0..=1.0).contains(p)).ok_or_else(|| err(format!("probability `{v}` must be within 0..1")))?);
                }
                "seed" => {
                    let v = need(val, &key).map_err(err)?;
                    seed = v.parse().map_err(|_| err(format!("seed `{v}` must be an unsigned integer")))?;
                }
                other => return Err(err(format!("unknown key `{other}` (known: route, latency, status, retry-after, reset, truncate, drip, chunk, after, times, probability, seed)"))),
            }
        }
        if seen.contains(&"seed") && probability.is_none() {
            return Err(err(
                "seed only applies with probability= (it seeds the probability draws)".into(),
            ));
        }
        let mut action = match action {
            Some(a) => a,
            None if latency.is_some() => Action::Pass,
            None => {
                return Err(err(
                    "give an action (status=, reset, truncate, drip=) or latency=".into(),
                ))
            }
        };
        match (&mut action, retry_after) {
            (Action::Status { retry_after: r, .. }, Some(v)) => *r = Some(v),
            (_, Some(_)) => return Err(err("retry-after only applies to status faults".into())),
            _ => {}
        }
        match (&mut action, chunk) {
            (Action::Drip { chunk: c, .. }, Some(v)) => *c = v,
            (_, Some(_)) => return Err(err("chunk only applies to drip faults".into())),
            _ => {}
        }
        let mut f = Fault::new(action);
        f.latency = latency;
        if let Some((m, p)) = route {
            f = f.on_route(&m, &p);
        }
        f.after = after;
        f.times = times;
        if let Some(p) = probability {
            f = f.probability(p, seed);
        }
        Ok(f)
    }
}

#[derive(Debug)]
struct Entry {
    fault: Fault,
    /// Matching requests still to let through before the fault may fire.
    skip: u32,
    remaining: Option<u32>,
    rng: Rng,
}

/// The active faults of an emulator.
#[derive(Debug, Default)]
pub(crate) struct FaultSet {
    entries: Vec<Entry>,
}

impl FaultSet {
    /// Adds a fault after the existing ones.
    pub(crate) fn push(&mut self, fault: Fault) {
        self.entries.push(Entry {
            skip: fault.after,
            remaining: fault.times,
            rng: Rng::new(fault.seed),
            fault,
        });
    }

    /// Removes every fault.
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }

    /// The fault that fires for this request, if any (consumes one of its `times`).
    pub(crate) fn pick(&mut self, method: &str, path: &str) -> Option<Fault> {
        let mut fired = None;
        for e in &mut self.entries {
            if !e.fault.matches(method, path) {
                continue;
            }
            // `after` counts every matching request, so it is counted down even when an
            // earlier fault already fired for this one ("the third call" means the third).
            if e.skip > 0 {
                e.skip -= 1;
                continue;
            }
            if fired.is_some() || e.remaining == Some(0) {
                continue;
            }
            if let Some(p) = e.fault.probability {
                if e.rng.next_f64() >= p {
                    continue;
                }
            }
            if let Some(r) = &mut e.remaining {
                *r -= 1;
            }
            fired = Some(e.fault.clone());
        }
        fired
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_examples() {
        let f =
            Fault::parse("route=GET /api/prompt/;status=503;retry-after=1;times=2").expect("parse");
        assert_eq!(
            f,
            Fault::status(503)
                .retry_after(Duration::from_secs(1))
                .on_route("GET", "/api/prompt/")
                .times(2)
        );
        assert!(
            f.matches("GET", "/api/prompt/")
                && !f.matches("POST", "/api/prompt/")
                && !f.matches("GET", "/api/prompt")
        );
        let f = Fault::parse("route=* /api/traces/*;reset;probability=0.3;seed=7").expect("parse");
        assert!(f.matches("DELETE", "/api/traces/abc") && !f.matches("GET", "/api/prompt/"));
        assert_eq!(
            Fault::parse("latency=250ms").expect("parse"),
            Fault::latency(Duration::from_millis(250))
        );
        let f = Fault::parse("route=POST /api/prompt/{id}/versions;truncate").expect("parse");
        assert!(
            f.matches("POST", "/api/prompt/3/versions")
                && !f.matches("POST", "/api/prompt//versions")
        );
        assert_eq!(
            Fault::parse("drip=20ms;chunk=4").expect("parse"),
            Fault::drip(Duration::from_millis(20)).chunk_size(4)
        );
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "route=GET /api/prompt/;status=503;retry-after=1;times=2",
            "route=* /api/traces/*;reset;probability=0.3;seed=7",
            "latency=250ms",
            "drip=20ms;chunk=4",
        ] {
            let f = Fault::parse(s).expect("parse");
            assert_eq!(
                Fault::parse(&f.to_string()).expect("reparse"),
                f,
                "{s} -> {f}"
            );
        }
    }

    #[test]
    fn display_keeps_sub_millisecond_durations() {
        for f in [
            Fault::latency(Duration::from_micros(1500)),
            Fault::latency(Duration::from_nanos(1)),
            Fault::latency(Duration::from_millis(1500)),
            Fault::latency(Duration::new(3, 250)),
            Fault::drip(Duration::from_micros(100)),
            Fault::status(503).with_latency(Duration::from_micros(999_999)),
        ] {
            let text = f.to_string();
            assert_eq!(Fault::parse(&text).expect("reparse"), f, "{text}");
        }
        assert_eq!(
            Fault::latency(Duration::from_micros(1500)).to_string(),
            "latency=1.5ms"
        );
    }

    #[test]
    fn rejects_bad_specs() {
        for s in [
            "",
            "status=abc",
            "status=503;reset",
            "retry-after=1;reset",
            "chunk=3;status=500",
            "route=prompt;reset",
            "bogus=1;reset",
            "probability=2;reset",
            "latency=fast",
        ] {
            assert!(Fault::parse(s).is_err(), "{s}");
        }
    }

    #[test]
    fn flags_with_values_repeated_keys_and_stray_seeds_are_refused() {
        for (spec, names) in [
            ("reset=false", "`reset` is a flag"),
            ("truncate=1", "`truncate` is a flag"),
            ("latency=5;latency=6", "`latency` is given more than once"),
            ("delay=5;latency=6", "`latency` is given more than once"),
            (
                "status=503;times=1;times=2",
                "`times` is given more than once",
            ),
            (
                "p=0.5;probability=0.1;reset",
                "`probability` is given more than once",
            ),
            ("seed=3;reset", "seed only applies with probability"),
            ("status=100", "status `100` must be 200..599"),
            ("status=101", "status `101` must be 200..599"),
            ("route=GET /api/prompt/?limit=1;reset", "has a query"),
            ("route=GET /api/prompt/{id}/*;reset", "both a template"),
        ] {
            let e = Fault::parse(spec).expect_err(spec).to_string();
            assert!(e.contains(names) && e.contains(spec), "{spec}: {e}");
        }
        // The valid neighbours still parse.
        for spec in [
            "reset",
            "truncate",
            "status=200",
            "status=599",
            "reset;p=0.5;seed=3",
        ] {
            Fault::parse(spec).expect(spec);
        }
    }

    #[test]
    fn after_lets_exactly_n_matching_requests_through() {
        let f = Fault::parse("route=GET /x;status=503;after=2;times=1").expect("parse");
        assert_eq!(
            f,
            Fault::status(503).on_route("GET", "/x").after(2).times(1)
        );
        assert_eq!(Fault::parse(&f.to_string()).expect("reparse"), f);
        let mut set = FaultSet::default();
        // An earlier fault taking the first request does not hide it from `after`.
        set.push(Fault::reset().times(1));
        set.push(f);
        let fired: Vec<_> = (0..5)
            .map(|_| set.pick("GET", "/x").map(|f| f.to_string()))
            .collect();
        assert_eq!(
            fired,
            [
                Some("reset;times=1".to_string()),
                None,
                Some("route=GET /x;status=503;after=2;times=1".to_string()),
                None,
                None
            ]
        );
        // Requests the route does not match are not counted.
        let mut set = FaultSet::default();
        set.push(Fault::status(500).on_route("POST", "/x").after(1));
        assert!(set.pick("GET", "/x").is_none());
        assert!(set.pick("POST", "/x").is_none());
        assert!(set.pick("POST", "/x").is_some());
        assert!(
            set.pick("POST", "/x").is_some(),
            "without times: every later one"
        );
        assert!(Fault::parse("after=-1;reset").is_err());
    }

    #[test]
    fn times_and_probability_are_repeatable() {
        let mut set = FaultSet::default();
        set.push(Fault::status(500).times(2));
        assert!(set.pick("GET", "/x").is_some());
        assert!(set.pick("GET", "/x").is_some());
        assert!(set.pick("GET", "/x").is_none());
        let run = || {
            let mut set = FaultSet::default();
            set.push(Fault::reset().probability(0.5, 99));
            (0..64)
                .map(|_| set.pick("GET", "/").is_some())
                .collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        assert!(a.iter().any(|x| *x) && a.iter().any(|x| !*x));
    }
}
