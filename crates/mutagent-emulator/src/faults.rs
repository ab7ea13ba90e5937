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
///
/// The builder methods refuse what the text syntax refuses (a status outside 200..599, a
/// probability outside 0..1, `chunk_size(0)`, `retry_after` on a fault that is not a status
/// fault, a route path that could never match, a setting given twice such as
/// `times(2).times(3)`, …) without making every call fallible: the
/// first such problem is kept in the fault, and [`Fault::check`], [`Emulator::inject`] and
/// [`EmulatorBuilder::start`] report it as an [`InvalidFault`] naming the setting and the value.
/// A refused fault is never installed, so a test never runs against a fault other than the one
/// it wrote.
///
/// [`Emulator::inject`]: crate::Emulator::inject
/// [`EmulatorBuilder::start`]: crate::EmulatorBuilder::start
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
    /// The first setting a builder method refused; reported when the fault is installed.
    problem: Option<InvalidFault>,
    /// The settings given so far, to refuse one given twice.
    given: Given,
}

/// The settings a [`Fault`]'s builder methods were given, so a second call of the same one is
/// refused as `parse` refuses a repeated key (a silent override would let a test run against
/// another fault than the one it reads as). Not part of the fault's identity: two faults with
/// the same settings are equal however they were written (`after(0)` or nothing).
#[derive(Debug, Clone, Default)]
struct Given(Vec<&'static str>);

impl PartialEq for Given {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// The longest duration a fault takes (exclusive): the text syntax cannot write a longer one,
/// so a longer one would not survive `Display` and `parse`.
const MAX_DURATION: Duration = Duration::from_secs(1_000_000_000);

/// A fault setting that the text syntax refuses too: a status outside 200..599, a probability
/// outside 0..1, a chunk of 0 bytes, `retry-after` or `chunk` on a fault they do not apply to,
/// a route that could never match, a duration of 1,000,000,000 s or more, a setting given
/// twice (`latency` by [`Fault::latency`] and then [`Fault::with_latency`] too).
///
/// The message is the same one [`Fault::parse`] gives for the same setting written as text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InvalidFault {
    setting: &'static str,
    value: String,
    message: String,
}

impl InvalidFault {
    fn new(setting: &'static str, value: impl Into<String>, message: String) -> Self {
        InvalidFault {
            setting,
            value: value.into(),
            message,
        }
    }

    /// The refused setting, named as in the text syntax (`status`, `probability`, `chunk`,
    /// `retry-after`, `route`, `latency`, `drip`, `after`, `times`).
    pub fn setting(&self) -> &str {
        self.setting
    }

    /// The refused value, written as in the text syntax (`2`, `0`, `1s`, `GET /x?y=1`); for a
    /// setting given twice, the second value.
    pub fn value(&self) -> &str {
        &self.value
    }
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
            problem: None,
            given: Given::default(),
        }
    }

    /// Keeps `problem` unless an earlier setting was already refused (the first one is the
    /// one to fix first, as `parse` reports the first bad item).
    fn refuse(&mut self, problem: InvalidFault) {
        self.problem.get_or_insert(problem);
    }

    /// Refuses `setting` when it was given before, with the message `parse` gives for a
    /// repeated key; `value` is the new value, as the text syntax writes it.
    fn once(&mut self, setting: &'static str, value: impl FnOnce() -> String) {
        if self.given.0.contains(&setting) {
            let message = format!("`{setting}` is given more than once");
            self.refuse(InvalidFault::new(setting, value(), message));
        } else {
            self.given.0.push(setting);
        }
    }

    /// Refuses a duration the text syntax cannot write.
    fn limit_duration(&mut self, setting: &'static str, d: Duration) {
        if d >= MAX_DURATION {
            let v = fmt_duration(d);
            let message = format!("{setting} `{v}` must be under 1000000000s");
            self.refuse(InvalidFault::new(setting, v, message));
        }
    }

    /// `Ok` when every setting is one the text syntax accepts too; otherwise the first refused
    /// one. [`Emulator::inject`](crate::Emulator::inject) and
    /// [`EmulatorBuilder::start`](crate::EmulatorBuilder::start) call it, so calling it yourself
    /// is only needed to find out early.
    ///
    /// ```
    /// use mutagent_emulator::Fault;
    /// let e = Fault::reset().probability(2.0, 7).check().unwrap_err();
    /// assert_eq!((e.setting(), e.value()), ("probability", "2"));
    /// assert_eq!(e.to_string(), "probability `2` must be within 0..1");
    /// assert!(Fault::reset().probability(0.5, 7).check().is_ok());
    /// ```
    pub fn check(&self) -> Result<(), InvalidFault> {
        match &self.problem {
            Some(p) => Err(p.clone()),
            None => Ok(()),
        }
    }

    /// Answer with `code` (e.g. 429, 500, 503) and a JSON error body instead of handling the request.
    ///
    /// `code` must be one of 200..=599, as `status=` in the text syntax requires (a 1xx is not
    /// a final answer); any other number is refused ([`Fault::check`]).
    pub fn status(code: u16) -> Self {
        let mut f = Self::new(Action::Status {
            code,
            retry_after: None,
        });
        // A 1xx is not a final answer: HTTP/1.1 cannot carry the error body with it.
        if !(200..=599).contains(&code) {
            let message = format!("status `{code}` must be 200..599");
            f.refuse(InvalidFault::new("status", code.to_string(), message));
        }
        f
    }

    /// Delay the answer by `delay` (under 1,000,000,000 s), then handle the request normally.
    pub fn latency(delay: Duration) -> Self {
        Self::new(Action::Pass).with_latency(delay)
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
    /// waiting `delay` (under 1,000,000,000 s) between chunks.
    pub fn drip(delay: Duration) -> Self {
        let mut f = Self::new(Action::Drip { chunk: 8, delay });
        f.limit_duration("drip", delay);
        f
    }

    /// Adds a `Retry-After` header (whole seconds, rounded up) to a status fault. On any other
    /// fault it is refused ([`Fault::check`]): no answer would carry it.
    pub fn retry_after(mut self, after: Duration) -> Self {
        self.once("retry-after", || fmt_duration(after));
        self.limit_duration("retry-after", after);
        match &mut self.action {
            Action::Status { retry_after, .. } => *retry_after = Some(after),
            other => {
                let v = fmt_duration(after);
                let message = format!(
                    "retry-after `{v}` only applies to status faults, not to {}",
                    other.name()
                );
                self.refuse(InvalidFault::new("retry-after", v, message));
            }
        }
        self
    }

    /// Adds latency (under 1,000,000,000 s) before the fault's action.
    pub fn with_latency(mut self, delay: Duration) -> Self {
        self.once("latency", || fmt_duration(delay));
        self.limit_duration("latency", delay);
        self.latency = Some(delay);
        self
    }

    /// Bytes per chunk of a drip fault (at least 1). `0`, or a chunk size on any other fault,
    /// is refused ([`Fault::check`]).
    pub fn chunk_size(mut self, bytes: usize) -> Self {
        self.once("chunk", || bytes.to_string());
        match &mut self.action {
            Action::Drip { chunk, .. } if bytes >= 1 => *chunk = bytes,
            Action::Drip { .. } => {
                let message = format!("chunk `{bytes}` must be a positive integer");
                self.refuse(InvalidFault::new("chunk", bytes.to_string(), message));
            }
            other => {
                let message = format!(
                    "chunk `{bytes}` only applies to drip faults, not to {}",
                    other.name()
                );
                self.refuse(InvalidFault::new("chunk", bytes.to_string(), message));
            }
        }
        self
    }

    /// Limits the fault to requests with this method (`"*"` = any) and path. The path is exact
    /// (`/api/prompt/`), a template whose `{…}` segments match any segment
    /// (`/api/prompt/{id}/versions`), a prefix ending in `*` (`/api/traces/*`), or `*` for all.
    /// It is matched against the path alone, so a route that could never match is refused
    /// ([`Fault::check`]), as the text syntax refuses it: a method that is empty or has spaces,
    /// a path that neither starts with `/` nor is `*`, a path with a query
    /// (`/api/prompt/?limit=1`), a prefix with a `{…}` segment (a prefix is literal).
    pub fn on_route(mut self, method: &str, path: &str) -> Self {
        let m = method.trim();
        let p = path.trim();
        self.once("route", || format!("{m} {p}"));
        if let Some(reason) = route_problem(m, p) {
            let message = format!("route `{m} {p}`: {reason}");
            self.refuse(InvalidFault::new("route", format!("{m} {p}"), message));
        }
        self.method = (m != "*").then(|| m.to_ascii_uppercase());
        self.path = if p == "*" {
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
        self.once("after", || n.to_string());
        self.after = n;
        self
    }

    /// Fires at most `n` times, then is inert.
    pub fn times(mut self, n: u32) -> Self {
        self.once("times", || n.to_string());
        self.times = Some(n);
        self
    }

    /// Fires with probability `p` (0..=1) per matching request, drawn from a generator seeded
    /// with `seed`, so the same request sequence always sees the same faults.
    ///
    /// A `p` outside 0..=1 (or NaN) is refused ([`Fault::check`]), not clamped.
    pub fn probability(mut self, p: f64, seed: u64) -> Self {
        self.once("probability", || p.to_string());
        if !(0.0..=1.0).contains(&p) {
            let message = format!("probability `{p}` must be within 0..1");
            self.refuse(InvalidFault::new("probability", p.to_string(), message));
        }
        self.probability = Some(p);
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

/// Why a route (`method`, `path`, both trimmed) could never match, if it could not.
fn route_problem(method: &str, path: &str) -> Option<&'static str> {
    if method.is_empty() || method.contains(char::is_whitespace) {
        Some("the method must be one word such as `GET`, or `*`")
    } else if !(path == "*" || path.starts_with('/')) {
        Some("the path must start with `/` or be `*`")
    } else if path.len() > 1 && path.ends_with('*') && path.contains('{') {
        // A prefix is literal, so `{id}` in one would only match the text `{id}`.
        Some("the path is both a template (`{…}`) and a prefix (`*`): use one of them")
    } else if path.contains('?') {
        // Faults match the path alone, so a route with a query could never fire.
        Some("the path has a query (`?…`): faults match the path only, write it without")
    } else {
        None
    }
}

impl Action {
    /// The action as the text syntax names it, for messages.
    fn name(&self) -> &'static str {
        match self {
            Action::Pass => "a latency-only fault",
            Action::Status { .. } => "status",
            Action::Reset => "reset",
            Action::Truncate => "truncate",
            Action::Drip { .. } => "drip",
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

/// Error of parsing the fault text syntax: the input, the item that was wrong, and why.
///
/// ```
/// use mutagent_emulator::Fault;
/// let e = Fault::parse("status=503;delay=fast").unwrap_err();
/// assert_eq!(e.key(), Some("latency")); // `delay` is an alias of `latency`
/// assert_eq!(e.input(), "status=503;delay=fast");
/// assert_eq!(e.reason(), "bad duration `fast`");
/// assert_eq!(e.to_string(), "invalid fault `status=503;delay=fast`: bad duration `fast`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid fault `{spec}`: {reason}")]
pub struct FaultParseError {
    spec: String,
    key: Option<String>,
    reason: String,
}

impl FaultParseError {
    /// The whole text that was parsed.
    pub fn input(&self) -> &str {
        &self.spec
    }

    /// The key of the item that was refused, by its documented name (`latency` for `delay`,
    /// `probability` for `p`, `retry-after` for `retry_after`, `truncate` for `truncated`),
    /// or an unknown key as written, lower-cased. For an item given twice, or a second action
    /// (`status=503;reset`), the later one. `None` when no single item is at fault: an empty
    /// spec, or one without an action (`route=/x`).
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// Why it was refused, without the input: the text after `invalid fault `…`: ` in the
    /// `Display` form, and the same message [`InvalidFault`] gives for a builder setting.
    pub fn reason(&self) -> &str {
        &self.reason
    }
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
    // Too long a duration saturates (`as` does) and is then refused by the builder method with
    // the same message a `Duration` that long gets there.
    (x.is_finite() && x >= 0.0).then(|| Duration::from_nanos((x * scale * 1e9).round() as u64))
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
        // An error about the item with this key (`None`: the spec as a whole).
        let err_at = |key: Option<&str>, reason: String| FaultParseError {
            spec: spec.to_string(),
            key: key.map(str::to_string),
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
        let set_action = |a: Action, action: &mut Option<Action>| -> Result<(), String> {
            if action.is_some() {
                return Err("only one of status, reset, truncate, drip may be given".into());
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
            let err = |reason| err_at(Some(canonical_key(&key).unwrap_or(&key)), reason);
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
                    // The path's shape is checked by `on_route`, the same as for the builder.
                    route = Some((m, p));
                }
                "latency" | "delay" => {
                    let v = need(val, &key).map_err(err)?;
                    latency = Some(parse_duration(v, false).ok_or_else(|| err(format!("bad duration `{v}`")))?);
                }
                "status" => {
                    let v = need(val, &key).map_err(err)?;
                    // The range is checked by `Fault::status`, the same as for the builder.
                    let code: u16 = v.parse().map_err(|_| err(format!("status `{v}` must be 200..599")))?;
                    set_action(Action::Status { code, retry_after: None }, &mut action).map_err(err)?;
                }
                "retry-after" | "retry_after" => {
                    let v = need(val, &key).map_err(err)?;
                    retry_after = Some(parse_duration(v, true).ok_or_else(|| err(format!("bad retry-after `{v}`")))?);
                }
                "reset" => set_action(Action::Reset, &mut action).map_err(err)?,
                "truncate" | "truncated" => set_action(Action::Truncate, &mut action).map_err(err)?,
                "drip" => {
                    let v = need(val, &key).map_err(err)?;
                    let delay = parse_duration(v, false).ok_or_else(|| err(format!("bad duration `{v}`")))?;
                    set_action(Action::Drip { chunk: 8, delay }, &mut action).map_err(err)?;
                }
                "chunk" => {
                    let v = need(val, &key).map_err(err)?;
                    chunk = Some(v.parse::<usize>().map_err(|_| err(format!("chunk `{v}` must be a positive integer")))?);
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
                    probability = Some(v.parse::<f64>().map_err(|_| err(format!("probability `{v}` must be within 0..1")))?);
                }
                "seed" => {
                    let v = need(val, &key).map_err(err)?;
                    seed = v.parse().map_err(|_| err(format!("seed `{v}` must be an unsigned integer")))?;
                }
                other => return Err(err(format!("unknown key `{other}` (known: route, latency, status, retry-after, reset, truncate, drip, chunk, after, times, probability, seed)"))),
            }
        }
        if seen.contains(&"seed") && probability.is_none() {
            return Err(err_at(
                Some("seed"),
                "seed only applies with probability= (it seeds the probability draws)".into(),
            ));
        }
        let action = match action {
            Some(a) => a,
            None if latency.is_some() => Action::Pass,
            None => {
                return Err(err_at(
                    None,
                    "give an action (status=, reset, truncate, drip=) or latency=".into(),
                ))
            }
        };
        // Built with the builder methods, so the text and the builder refuse the same values
        // with the same message (a status of 1xx, a chunk of 0, a probability of 2, …).
        let mut f = match action {
            Action::Status { code, .. } => Fault::status(code),
            Action::Drip { delay, .. } => Fault::drip(delay),
            a => Fault::new(a),
        };
        if let Some(l) = latency {
            f = f.with_latency(l);
        }
        if let Some(r) = retry_after {
            f = f.retry_after(r);
        }
        if let Some(c) = chunk {
            f = f.chunk_size(c);
        }
        if let Some((m, p)) = route {
            f = f.on_route(&m, &p);
        }
        f = f.after(after);
        if let Some(t) = times {
            f = f.times(t);
        }
        if let Some(p) = probability {
            f = f.probability(p, seed);
        }
        f.check()
            .map_err(|e| err_at(Some(e.setting()), e.to_string()))?;
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

    /// The text syntax and the builder methods give equal faults for equal specs, and refuse
    /// the same bad values with the same message.
    #[test]
    fn parse_and_the_builders_agree_on_valid_and_refused_specs() {
        let ms = Duration::from_millis;
        for (spec, built) in [
            (
                "route=GET /api/prompt/;status=503;retry-after=1;times=2",
                Fault::status(503)
                    .retry_after(Duration::from_secs(1))
                    .on_route("GET", "/api/prompt/")
                    .times(2),
            ),
            (
                "route=* /api/traces/*;reset;probability=0.3;seed=7",
                Fault::reset()
                    .on_route("*", "/api/traces/*")
                    .probability(0.3, 7),
            ),
            ("latency=250ms", Fault::latency(ms(250))),
            (
                "status=500;latency=100ms",
                Fault::status(500).with_latency(ms(100)),
            ),
            ("route=/x;truncate", Fault::truncate().on_route("*", "/x")),
            (
                "route=post /api/prompt/{id}/versions;truncate",
                Fault::truncate().on_route("POST", "/api/prompt/{id}/versions"),
            ),
            ("drip=20ms;chunk=1", Fault::drip(ms(20)).chunk_size(1)),
            ("reset;after=2;times=0", Fault::reset().after(2).times(0)),
            (
                "status=200;probability=0;seed=1",
                Fault::status(200).probability(0.0, 1),
            ),
            (
                "status=599;probability=1",
                Fault::status(599).probability(1.0, 0),
            ),
        ] {
            assert_eq!(Fault::parse(spec).expect(spec), built, "{spec}");
            assert_eq!(built.check(), Ok(()), "{spec}");
        }
        for (spec, built) in [
            ("status=101", Fault::status(101)),
            ("status=600", Fault::status(600)),
            ("status=0", Fault::status(0)),
            ("reset;probability=2", Fault::reset().probability(2.0, 0)),
            (
                "reset;probability=-0.5",
                Fault::reset().probability(-0.5, 0),
            ),
            (
                "reset;probability=NaN",
                Fault::reset().probability(f64::NAN, 0),
            ),
            ("drip=5ms;chunk=0", Fault::drip(ms(5)).chunk_size(0)),
            ("status=500;chunk=4", Fault::status(500).chunk_size(4)),
            ("latency=5ms;chunk=4", Fault::latency(ms(5)).chunk_size(4)),
            (
                "reset;retry-after=1",
                Fault::reset().retry_after(Duration::from_secs(1)),
            ),
            (
                "drip=1ms;retry-after=2",
                Fault::drip(ms(1)).retry_after(Duration::from_secs(2)),
            ),
            (
                "route=GET /api/prompt/?limit=1;reset",
                Fault::reset().on_route("GET", "/api/prompt/?limit=1"),
            ),
            (
                "route=GET /api/prompt/{id}/*;reset",
                Fault::reset().on_route("GET", "/api/prompt/{id}/*"),
            ),
            (
                "route=GET prompt;reset",
                Fault::reset().on_route("GET", "prompt"),
            ),
            (
                "latency=1000000000s",
                Fault::latency(Duration::from_secs(1_000_000_000)),
            ),
            (
                "drip=1000000000s",
                Fault::drip(Duration::from_secs(1_000_000_000)),
            ),
            (
                "status=503;retry-after=1000000000",
                Fault::status(503).retry_after(Duration::from_secs(1_000_000_000)),
            ),
            // A setting given twice is refused, not overridden by the second value.
            (
                "status=503;times=2;times=3",
                Fault::status(503).times(2).times(3),
            ),
            (
                "latency=5ms;delay=6ms",
                Fault::latency(ms(5)).with_latency(ms(6)),
            ),
            (
                "status=500;latency=1ms;latency=2ms",
                Fault::status(500).with_latency(ms(1)).with_latency(ms(2)),
            ),
            (
                "status=503;retry-after=1;retry-after=2",
                Fault::status(503)
                    .retry_after(Duration::from_secs(1))
                    .retry_after(Duration::from_secs(2)),
            ),
            (
                "drip=1ms;chunk=2;chunk=3",
                Fault::drip(ms(1)).chunk_size(2).chunk_size(3),
            ),
            (
                "route=GET /a;route=GET /b;reset",
                Fault::reset().on_route("GET", "/a").on_route("GET", "/b"),
            ),
            ("reset;after=1;after=2", Fault::reset().after(1).after(2)),
            (
                "reset;p=0.5;probability=0.1",
                Fault::reset().probability(0.5, 0).probability(0.1, 0),
            ),
        ] {
            let parsed = Fault::parse(spec).expect_err(spec);
            let refused = built.check().expect_err(spec);
            assert_eq!(parsed.reason(), refused.to_string(), "{spec}");
        }
        let e = Fault::status(503)
            .times(2)
            .times(3)
            .check()
            .expect_err("twice");
        assert_eq!((e.setting(), e.value()), ("times", "3"));
        // The first refused setting is the one reported, and a later valid one does not undo it.
        let f = Fault::status(100).probability(2.0, 0).on_route("GET", "/x");
        assert_eq!(f.check().expect_err("refused").setting(), "status");
        // Builder-only values the text cannot write are refused too.
        for f in [
            Fault::reset().on_route("", "/x"),
            Fault::reset().on_route("GET POST", "/x"),
            Fault::reset().on_route("GET", ""),
            Fault::latency(Duration::MAX),
        ] {
            assert!(f.check().is_err(), "{f:?}");
        }
    }

    /// A tool reporting a bad spec can tell which item was wrong without reading the message.
    #[test]
    fn a_parse_error_names_the_item_and_the_input() {
        for (spec, key) in [
            ("status=abc", Some("status")),
            ("delay=fast", Some("latency")),
            ("reset;p=2", Some("probability")),
            ("status=503;times=1;times=2", Some("times")),
            ("reset=false", Some("reset")),
            ("status=503;truncate", Some("truncate")),
            ("route=prompt;reset", Some("route")),
            ("route=GET /x?y=1;reset", Some("route")),
            ("drip=1ms;chunk=0", Some("chunk")),
            ("reset;retry-after=1", Some("retry-after")),
            ("seed=3;reset", Some("seed")),
            ("Bogus=1;reset", Some("bogus")),
            ("route=/x", None),
            ("", None),
        ] {
            let e = Fault::parse(spec).expect_err(spec);
            assert_eq!(e.key(), key, "{spec}: {e}");
            assert_eq!(e.input(), spec);
            assert_eq!(
                e.to_string(),
                format!("invalid fault `{spec}`: {}", e.reason())
            );
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
