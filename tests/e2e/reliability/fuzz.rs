//! Decoder fuzzing: every response model of every namespace, fed arbitrary bytes, arbitrary
//! JSON and mutations of valid bodies through the SDK's own decode path (`Client::send` over a
//! canned transport). Each case must end in a value or `Error::Decode` — never a panic, never
//! another variant, never an error message out of proportion with the body.
//!
//! No fuzzing dependency: a seeded xorshift generator. Valid bodies are not written by hand:
//! they are *discovered* per model, starting from `{}` and repairing whatever the decoder
//! complains about (`missing field`, `invalid type … expected …`, `unknown variant`), then
//! re-serialising the value to learn the optional fields too and filling them the same way.
//!
//! Cases per model: `MUTAGENT_FUZZ_CASES` (default 2,000); seed: `MUTAGENT_FUZZ_SEED`
//! (default fixed, so CI is reproducible). A longer run, in release mode:
//!
//! ```text
//! MUTAGENT_FUZZ_CASES=200000 MUTAGENT_FUZZ_SEED=$RANDOM \
//!     cargo test -p mutagent-e2e --release -- reliability::fuzz --nocapture
//! ```

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use mutagent::http_client::{BoxFuture, HttpClient, HttpError, ResponseBody};
use mutagent::{Client, Error, Method, Operation};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

static FUZZ_OP: Operation = Operation::new("fuzz", "fuzz_decode", Method::Get, "/api/fuzz");

// ---------------------------------------------------------------------------------------------
// A seeded generator

/// xorshift64*: small, fast, reproducible.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }
    pub(crate) fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn random_bytes(rng: &mut Rng) -> Vec<u8> {
    let len = match rng.below(100) {
        0..=9 => 0,
        10..=79 => rng.below(64),
        _ => rng.below(4096),
    };
    let mut out = Vec::with_capacity(len);
    let alphabet = b"{}[]\":,0123456789.eE+-truefalsnl \\/\n\t";
    for _ in 0..len {
        let byte = if rng.chance(60) {
            *rng.pick(alphabet)
        } else {
            (rng.next() & 0xff) as u8
        };
        out.push(byte);
    }
    out
}

const STRINGS: [&str; 12] = [
    "",
    "x",
    "prompt",
    "\u{0}",
    "\u{ffff}",
    "é🦀",
    "\\ud800",
    "2024-01-01T00:00:00Z",
    "null",
    "1e999",
    "../../etc/passwd",
    "<html>",
];

const NUMBERS: [&str; 14] = [
    "0",
    "-0",
    "1",
    "-1",
    "0.5",
    "1e999",
    "-1e999",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775809",
    "123456789012345678901234567890123456789",
    "1.7976931348623157e308",
    "4.9e-324",
    "3",
];

/// The keys of random objects: names the models use, one twice (duplicate keys).
const KEYS: [&str; 15] = [
    "id",
    "name",
    "data",
    "total",
    "type",
    "status",
    "role",
    "content",
    "id",
    "metadata",
    "createdAt",
    "hasNext",
    "spans",
    "items",
    "x",
];

/// Writes `count` items, each by `item`, between `open` and `close`, commas between them.
fn enclosed(
    out: &mut String,
    (open, close): (char, char),
    count: usize,
    mut item: impl FnMut(&mut String),
) {
    out.push(open);
    for n in 0..count {
        if n > 0 {
            out.push(',');
        }
        item(out);
    }
    out.push(close);
}

/// Random JSON text, valid or nearly valid, including what `serde_json::Value` cannot hold
/// (out-of-range numbers, lone surrogates, duplicate keys, deep nesting).
fn random_json(rng: &mut Rng, depth: usize, out: &mut String) {
    let leaf = depth > 6 || rng.chance(35);
    match if leaf { rng.below(5) } else { 5 + rng.below(3) } {
        0 => out.push_str(rng.pick::<&str>(&["null", "true", "false"])),
        1 => out.push_str(rng.pick::<&str>(&NUMBERS)),
        2 => {
            let _ = write!(out, "{}", rng.next() as i64);
        }
        3 => {
            let s = *rng.pick(&STRINGS);
            if s.starts_with('\\') {
                let _ = write!(out, "\"{s}\"");
            } else {
                out.push_str(&Value::String(s.to_owned()).to_string());
            }
        }
        4 => {
            let len = rng.below(300);
            out.push('"');
            out.extend(std::iter::repeat_n('a', len));
            out.push('"');
        }
        5 => {
            let count = rng.below(6);
            enclosed(out, ('[', ']'), count, |out| {
                random_json(rng, depth + 1, out)
            });
        }
        6 => {
            let count = rng.below(7);
            enclosed(out, ('{', '}'), count, |out| {
                let key = *rng.pick(&KEYS);
                let _ = write!(out, "\"{key}\":");
                random_json(rng, depth + 1, out);
            });
        }
        _ => {
            let levels = *rng.pick(&[64usize, 127, 129, 500]);
            let (open, close) = if rng.chance(50) {
                ("[", "]")
            } else {
                ("{\"a\":", "}")
            };
            out.push_str(&open.repeat(levels));
            out.push('1');
            out.push_str(&close.repeat(levels));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The decode path: Client::send over a canned transport

#[derive(Debug, Clone, Default)]
struct Canned(Arc<Mutex<Bytes>>);

impl Canned {
    fn set(&self, body: Vec<u8>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Bytes::from(body);
    }
}

impl HttpClient for Canned {
    fn send(
        &self,
        _request: http::Request<Bytes>,
    ) -> BoxFuture<'static, Result<http::Response<ResponseBody>, HttpError>> {
        let body = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        Box::pin(async move { Ok(http::Response::new(ResponseBody::from_bytes(body))) })
    }
}

struct Harness {
    canned: Canned,
    client: Client,
    runtime: tokio::runtime::Runtime,
}

impl Harness {
    fn new() -> Self {
        let canned = Canned::default();
        let client = Client::builder()
            .env(mutagent::env::EmptyEnv)
            .api_key("mt_fuzz_key")
            .http_client(canned.clone())
            .build()
            .expect("client");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        Self {
            canned,
            client,
            runtime,
        }
    }

    fn decode<T: DeserializeOwned + Send + 'static>(&self, body: Vec<u8>) -> Result<T, Error> {
        self.canned.set(body);
        let request = FUZZ_OP.request().build().expect("request");
        self.runtime.block_on(self.client.send::<T>(request))
    }
}

// ---------------------------------------------------------------------------------------------
// Discovering valid bodies from the decoder's own complaints

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// `data[3].spans[0].name` → steps; `.` is the root.
fn parse_path(path: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    if path == "." {
        return steps;
    }
    for segment in path.split('.') {
        let (name, mut rest) = match segment.find('[') {
            Some(at) => segment.split_at(at),
            None => (segment, ""),
        };
        if !name.is_empty() {
            steps.push(Step::Key(name.to_owned()));
        }
        while let Some(open) = rest.strip_prefix('[') {
            let Some(close) = open.find(']') else { break };
            if let Ok(index) = open[..close].parse() {
                steps.push(Step::Index(index));
            }
            rest = &open[close + 1..];
        }
    }
    steps
}

fn node<'a>(root: &'a mut Value, steps: &[Step]) -> Option<&'a mut Value> {
    let mut at = root;
    for step in steps {
        at = match (step, at) {
            (Step::Key(key), Value::Object(map)) => map.get_mut(key)?,
            (Step::Index(index), Value::Array(items)) => items.get_mut(*index)?,
            _ => return None,
        };
    }
    Some(at)
}

/// A value of the kind serde says it expected.
fn guess(expected: &str, attempt: usize) -> Value {
    let e = expected.to_ascii_lowercase();
    let first = if e.contains("one of") || e.contains("variant") {
        let variant = expected.split('`').nth(1).unwrap_or("x");
        json!(variant)
    } else if e.contains("bool") {
        json!(true)
    } else if e.contains("f32") || e.contains("f64") || e.contains("float") {
        json!(0.5)
    } else if e.contains("u8")
        || e.contains("u16")
        || e.contains("u32")
        || e.contains("u64")
        || e.contains("usize")
        || e.contains("i32")
        || e.contains("i64")
        || e.contains("integer")
        || e.contains("number")
    {
        json!(1)
    } else if e.contains("string") || e.contains("char") || e.contains("str") {
        json!("x")
    } else if e.contains("sequence") || e.contains("array") || e.contains("tuple") {
        json!([])
    } else if e.contains("map") || e.contains("struct") {
        json!({})
    } else if e.contains("unit") || e.contains("null") {
        Value::Null
    } else {
        json!("x")
    };
    if attempt == 0 {
        return first;
    }
    let cycle = [
        json!("x"),
        json!(1),
        json!({}),
        json!([]),
        json!(true),
        json!(0.5),
    ];
    cycle[(attempt - 1) % cycle.len()].clone()
}

/// Repairs `value` until it decodes as `T`, within a bounded number of steps.
fn repair<T: DeserializeOwned + Send + 'static>(h: &Harness, mut value: Value) -> Option<Value> {
    let mut tries: std::collections::HashMap<String, usize> = Default::default();
    for _ in 0..400 {
        let err = match h.decode::<T>(value.to_string().into_bytes()) {
            Ok(_) => return Some(value),
            Err(Error::Decode(err)) => err,
            Err(other) => panic!("decode path gave a non-decode error: {other:?}"),
        };
        let message = err.message().to_owned();
        let steps = parse_path(err.path());
        if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
        {
            let attempt = tries.entry(format!("{}+{field}", err.path())).or_default();
            let fill = guess("string", *attempt);
            *attempt += 1;
            if *attempt > 8 {
                return None;
            }
            // The path points at the struct missing the field (or, at worst, at the field).
            match node(&mut value, &steps) {
                Some(Value::Object(map)) => {
                    map.insert(field.to_owned(), fill);
                }
                Some(slot) => *slot = json!({ field: fill }),
                None => return None,
            }
            continue;
        }
        let expected = message
            .split("expected ")
            .nth(1)
            .unwrap_or(&message)
            .to_owned();
        // Behind `#[serde(flatten)]` the path stops at the object: find the child of the kind
        // serde complained about and fix that one instead.
        let wants_object = expected.contains("map") || expected.contains("struct");
        if let (Some(Value::Object(map)), false) = (node(&mut value, &steps), wants_object) {
            let got = message
                .strip_prefix("invalid type: ")
                .and_then(|rest| rest.split(", expected").next())
                .unwrap_or("");
            let kind_matches = |v: &Value| match v {
                Value::String(text) => got.starts_with("string") && got.contains(text.as_str()),
                Value::Number(_) => got.starts_with("integer") || got.starts_with("floating"),
                Value::Bool(_) => got.starts_with("boolean"),
                Value::Object(_) => got.starts_with("map"),
                Value::Array(_) => got.starts_with("sequence"),
                Value::Null => got.starts_with("null") || got.starts_with("unit"),
            };
            let candidate = map
                .iter()
                .filter(|(_, v)| kind_matches(v))
                .map(|(k, _)| k.clone())
                .find(|k| {
                    tries
                        .get(&format!("{}/{k}", err.path()))
                        .copied()
                        .unwrap_or(0)
                        < 8
                });
            if let Some(child) = candidate {
                let attempt = tries.entry(format!("{}/{child}", err.path())).or_default();
                let fill = guess(&expected, *attempt);
                *attempt += 1;
                map.insert(child, fill);
                continue;
            }
        }
        let attempt = tries.entry(err.path().to_owned()).or_default();
        let fill = guess(&expected, *attempt);
        *attempt += 1;
        if *attempt > 8 {
            return None;
        }
        *node(&mut value, &steps)? = fill;
    }
    None
}

/// Calls `visit` with every node of `value` and its path, each parent before its children.
fn walk(value: &Value, path: &mut Vec<Step>, visit: &mut impl FnMut(&[Step], &Value)) {
    visit(path, value);
    match value {
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(Step::Index(index));
                walk(item, path, visit);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                path.push(Step::Key(key.clone()));
                walk(item, path, visit);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Every path to a `null` or an empty array in `value` (`true` for an array).
fn holes(value: &Value) -> Vec<(Vec<Step>, bool)> {
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut |path, node| match node {
        Value::Null => out.push((path.to_vec(), false)),
        Value::Array(items) if items.is_empty() => out.push((path.to_vec(), true)),
        _ => {}
    });
    out
}

/// A valid, well-filled body for `T`: optional fields and arrays populated where the decoder
/// accepts it.
fn discover<T>(h: &Harness) -> Option<Value>
where
    T: DeserializeOwned + Serialize + Send + 'static,
{
    let start = [json!({}), json!([]), json!("x"), json!(1), Value::Null]
        .into_iter()
        .find_map(|seed| repair::<T>(h, seed))?;
    let mut value = start;
    for _round in 0..3 {
        // Re-serialising shows the optional fields the decoder never asked for.
        let decoded: T = h.decode(value.to_string().into_bytes()).ok()?;
        let mut shown = serde_json::to_value(&decoded).ok()?;
        merge_missing(&mut shown, &value);
        value = shown;
        for (path, is_array) in holes(&value) {
            let candidates = [json!("x"), json!(1), json!(true), json!({}), json!(0.5)];
            for candidate in candidates {
                let mut attempt = value.clone();
                let Some(slot) = node(&mut attempt, &path) else {
                    break;
                };
                *slot = if is_array {
                    json!([candidate])
                } else {
                    candidate
                };
                if let Some(fixed) = repair::<T>(h, attempt) {
                    value = fixed;
                    break;
                }
            }
        }
    }
    Some(value)
}

/// Keeps keys of `from` that `into` lacks (fields skipped when serialising).
fn merge_missing(into: &mut Value, from: &Value) {
    if let (Value::Object(into), Value::Object(from)) = (into, from) {
        for (key, value) in from {
            match into.get_mut(key) {
                Some(slot) => merge_missing(slot, value),
                None => {
                    into.insert(key.clone(), value.clone());
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Mutations of valid bodies

/// Every path in `value`, its own (empty) first.
fn all_paths(value: &Value) -> Vec<Vec<Step>> {
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut |path, _| {
        out.push(path.to_vec())
    });
    out
}

fn mutate(rng: &mut Rng, seed: &Value) -> Vec<u8> {
    let mut value = seed.clone();
    for _ in 0..=rng.below(3) {
        let paths = all_paths(&value);
        let path = rng.pick(&paths).clone();
        match rng.below(7) {
            // Drop a key.
            0 => {
                if let Some((Step::Key(key), parent)) = path.split_last() {
                    if let Some(Value::Object(map)) = node(&mut value, parent) {
                        map.remove(key);
                    }
                }
            }
            // Change a type.
            1..=3 => {
                let replacement = match rng.below(8) {
                    0 => Value::Null,
                    1 => json!(true),
                    2 => json!(-1),
                    3 => json!(1.5),
                    4 => json!("changed"),
                    5 => json!([]),
                    6 => json!({}),
                    _ => json!(u64::MAX),
                };
                if let Some(slot) = node(&mut value, &path) {
                    *slot = replacement;
                }
            }
            // An unknown field or an unknown enum value.
            4 => match node(&mut value, &path) {
                Some(Value::Object(map)) => {
                    map.insert("brandNewField".into(), json!({"nested": [1, "two"]}));
                }
                Some(slot @ Value::String(_)) => *slot = json!("SOME_NEW_ENUM_VALUE"),
                _ => {}
            },
            // Duplicate an array element.
            5 => {
                if let Some(Value::Array(items)) = node(&mut value, &path) {
                    if let Some(first) = items.first().cloned() {
                        items.push(first);
                    }
                }
            }
            // Wrap in an extra layer.
            _ => {
                if let Some(slot) = node(&mut value, &path) {
                    let inner = slot.take();
                    *slot = json!({ "data": inner });
                }
            }
        }
    }
    let mut text = value.to_string().into_bytes();
    // Sometimes damage the text itself.
    if !text.is_empty() && rng.chance(15) {
        match rng.below(3) {
            0 => text.truncate(rng.below(text.len())),
            1 => {
                let at = rng.below(text.len());
                text[at] = (rng.next() & 0xff) as u8;
            }
            _ => {
                let at = rng.below(text.len());
                text.splice(
                    at..at,
                    rng.pick(&[&b"\xff"[..], b",", b"\"", b"}", b"]"])
                        .iter()
                        .copied(),
                );
            }
        }
    }
    text
}

/// Replaces every leaf for which `pick` gives a replacement.
fn replace_leaves(value: &mut Value, pick: &dyn Fn(&Value) -> Option<Value>) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|v| replace_leaves(v, pick)),
        Value::Object(map) => map.values_mut().for_each(|v| replace_leaves(v, pick)),
        leaf => {
            if let Some(new) = pick(leaf) {
                *leaf = new;
            }
        }
    }
}

/// A fixed set of extreme bodies, run for every model besides the random stream (they are
/// slow in a debug build, so they are not drawn at random): 200 KB of noise, nesting 100,000
/// deep, megabyte strings, numbers no integer or float holds.
fn extremes(rng: &mut Rng, valid: Option<&Value>) -> Vec<Vec<u8>> {
    let noise: Vec<u8> = (0..200_000).map(|_| (rng.next() & 0xff) as u8).collect();
    let mut out = vec![
        noise,
        format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
        format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000)).into_bytes(),
        format!("\"{}\"", "a".repeat(1 << 20)).into_bytes(),
        format!("[{}]", "1,".repeat(200_000) + "1").into_bytes(),
    ];
    if let Some(valid) = valid {
        let big = "b".repeat(1 << 20);
        for pick in [
            &(move |v: &Value| v.is_string().then(|| json!(big.clone())))
                as &dyn Fn(&Value) -> Option<Value>,
            &|v: &Value| v.is_number().then(|| json!(u64::MAX)),
            &|v: &Value| v.is_number().then(|| json!(-1)),
            &|v: &Value| v.is_number().then(|| json!(f64::MAX)),
            &|v: &Value| (!v.is_null()).then_some(Value::Null),
        ] {
            let mut body = valid.clone();
            replace_leaves(&mut body, pick);
            out.push(body.to_string().into_bytes());
        }
        // Numbers out of every range, written as text.
        let text = valid.to_string();
        let mut numbers = String::with_capacity(text.len());
        let mut chars = text.chars().peekable();
        let mut in_string = false;
        while let Some(c) = chars.next() {
            if c == '"' {
                in_string = !in_string;
            }
            if !in_string && (c.is_ascii_digit() || c == '-') {
                while chars
                    .peek()
                    .is_some_and(|n| n.is_ascii_digit() || ".eE+-".contains(*n))
                {
                    chars.next();
                }
                numbers.push_str("1e999999");
                continue;
            }
            numbers.push(c);
        }
        out.push(numbers.into_bytes());
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The run

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(default)
}

#[derive(Debug, Default)]
struct Tally {
    ok: usize,
    decode_errors: usize,
    seeded: bool,
    /// Decode errors whose path differs from `serde_path_to_error`'s.
    paths_differ: Vec<String>,
}

/// Whether the SDK's `ours` names the place `theirs` (from `serde_path_to_error`) names. For a
/// body that is not JSON (a syntax error, or cut short), the SDK may name a place deeper than
/// `theirs`: where the JSON broke, inside a value the answer type ignores (an unknown field),
/// which `serde_path_to_error` does not walk into.
fn same_place(ours: &str, theirs: &str, json_error: bool) -> bool {
    if ours == theirs {
        return true;
    }
    let deeper = theirs == "."
        || ours
            .strip_prefix(theirs)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['));
    json_error && deeper
}

/// Whether decoding `body` as `T` fails for a reason of the JSON itself (syntax, or cut short)
/// rather than of the type.
fn json_error<T: DeserializeOwned>(body: &[u8]) -> bool {
    let json: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    serde_json::from_slice::<T>(json).is_err_and(|err| {
        matches!(
            err.classify(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof
        )
    })
}

/// The path `serde_path_to_error` gives for the failure to decode `body` as `T` (what the SDK
/// did before it found paths from serde_json's error position), written as the SDK writes
/// paths; `None` where the SDK's path is not comparable: text it escapes or cuts.
fn tracked_path<T: DeserializeOwned>(body: &[u8]) -> Option<String> {
    let json: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let path = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(err) => err.path().to_string(),
        // Decoded, so the failure was after the value (trailing characters): the whole body.
        Ok(_) => ".".to_owned(),
    };
    // A failure inside an object key: `?` for the key it could not read; the SDK names the
    // object.
    let path = match path.strip_suffix('?') {
        Some(object) => match object.strip_suffix('.').unwrap_or(object) {
            "" => ".".to_owned(),
            object => object.to_owned(),
        },
        None => path,
    };
    let plain = path.len() <= 1024
        && !path.chars().any(|c| {
            c.is_control()
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{fffd}')
        });
    plain.then_some(path)
}

fn fuzz_one<T>(h: &Harness, name: &str, cases: u64, seed: u64) -> Tally
where
    T: DeserializeOwned + Serialize + Send + 'static,
{
    let mut tally = Tally::default();
    let valid = discover::<T>(h);
    if let Some(valid) = &valid {
        tally.seeded = true;
        // The discovered body decodes, and what it decodes to survives a round trip.
        let decoded: T = h
            .decode(valid.to_string().into_bytes())
            .unwrap_or_else(|err| panic!("{name}: discovered body no longer decodes: {err}"));
        let again = serde_json::to_vec(&decoded).expect("serialize");
        if let Err(err) = h.decode::<T>(again.clone()) {
            panic!(
                "{name}: a decoded value does not decode again after serialising: {err}\n{}",
                String::from_utf8_lossy(&again)
            );
        }
    }
    let mut rng = Rng::new(seed ^ fnv(name));
    let fixed = extremes(&mut rng, valid.as_ref());
    let total = cases + fixed.len() as u64;
    let mut fixed = fixed.into_iter();
    for case in 0..total {
        let body = match (case % 3, &valid) {
            _ if case >= cases => fixed.next().unwrap_or_default(),
            (0, _) => random_bytes(&mut rng),
            (1, _) | (_, None) => {
                let mut text = String::new();
                random_json(&mut rng, 0, &mut text);
                text.into_bytes()
            }
            (_, Some(valid)) => mutate(&mut rng, valid),
        };
        let len = body.len();
        let shown = || String::from_utf8_lossy(&body[..len.min(300)]).into_owned();
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| h.decode::<T>(body.clone())));
        match outcome {
            Ok(Ok(_)) => tally.ok += 1,
            Ok(Err(Error::Decode(err))) => {
                if let Some(theirs) = tracked_path::<T>(&body) {
                    if !same_place(err.path(), &theirs, json_error::<T>(&body)) {
                        tally.paths_differ.push(format!(
                            "{name} case {case}: path `{}`, a path-tracking deserializer says `{theirs}` ({})\nbody: {}",
                            err.path(),
                            err.message(),
                            shown()
                        ));
                    }
                }
                let text = format!("{err} {err:?}");
                assert!(
                    text.len() <= 4 * len + 8192,
                    "{name} case {case} (seed {seed}): a {len}-byte body gave a {}-byte error",
                    text.len()
                );
                tally.decode_errors += 1;
            }
            Ok(Err(other)) => panic!(
                "{name} case {case} (seed {seed}): expected Ok or Error::Decode, got {other:?}\nbody: {}",
                shown()
            ),
            Err(_) => panic!(
                "{name} case {case} (seed {seed}): the decoder panicked\nbody: {}",
                shown()
            ),
        }
    }
    tally
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3)
    })
}

macro_rules! fuzz_models {
    ($h:expr, $cases:expr, $seed:expr, $report:expr; $($ty:ty),* $(,)?) => {{
        $(
            let name = stringify!($ty);
            let tally = fuzz_one::<$ty>($h, name, $cases, $seed);
            $report.push((name, tally));
        )*
    }};
}

#[test]
fn every_response_model_survives_arbitrary_bodies() {
    let cases = env_number("MUTAGENT_FUZZ_CASES", 2_000);
    let seed = env_number("MUTAGENT_FUZZ_SEED", 0x5eed_1234);
    let h = Harness::new();
    let mut report: Vec<(&str, Tally)> = Vec::new();
    {
        use mutagent::models::SuccessResponse;
        use mutagent::pagination::{HasMorePage, OffsetPage, TotalPage};
        fuzz_models!(&h, cases, seed, report;
            SuccessResponse,
            OffsetPage<Value>,
            HasMorePage<Value>,
            TotalPage<Value>,
            Vec<String>,
            Value,
        );
    }
    {
        use mutagent::prompt::*;
        fuzz_models!(&h, cases, seed, report; Prompt, PromptList, Vec<Prompt>);
    }
    {
        use mutagent::prompt_datasets::*;
        fuzz_models!(&h, cases, seed, report;
            PromptDataset, PromptDatasetList, Vec<PromptDataset>, PromptDatasetExport,
        );
    }
    {
        use mutagent::optimization::*;
        fuzz_models!(&h, cases, seed, report;
            OptimizationJob, OptimizationJobList, OptimizationJobStatus, OptimizationResults,
            OptimizationScoreProgression, OptimizationStates,
        );
    }
    {
        use mutagent::experiments::*;
        fuzz_models!(&h, cases, seed, report; Experiment, ExperimentList, ExperimentResult);
    }
    {
        use mutagent::prompt_dataset_items::*;
        fuzz_models!(&h, cases, seed, report; PromptDatasetItem, Vec<PromptDatasetItem>);
    }
    {
        use mutagent::prompt_evaluations::*;
        fuzz_models!(&h, cases, seed, report;
            Evaluation, EvaluationList, EvaluationRun, EvaluationResult,
            EvaluationAggregationResults,
        );
    }
    {
        use mutagent::traces::*;
        fuzz_models!(&h, cases, seed, report;
            Trace, TraceList, TraceIngestion, BatchIngestion, AnalyticsSummary,
        );
    }
    {
        use mutagent::organizations::*;
        fuzz_models!(&h, cases, seed, report;
            Organization, OrganizationList, OrganizationWithRole, MemberCount,
        );
    }
    {
        use mutagent::workspaces::*;
        fuzz_models!(&h, cases, seed, report; Workspace, WorkspaceList);
    }
    {
        use mutagent::traces::v0_4::*;
        fuzz_models!(&h, cases, seed, report;
            Trace, TraceList, SpanList, LogRecordList, TraceIngestResult,
        );
    }
    // The opt-in namespaces (mutagent-e2e turns on `full`).
    {
        use mutagent::agents::*;
        fuzz_models!(&h, cases, seed, report; Agent, AgentList);
    }
    {
        use mutagent::invitations::*;
        use mutagent::organization_members::*;
        use mutagent::workspace_members::*;
        fuzz_models!(&h, cases, seed, report; Invitation, OrganizationMember, WorkspaceMember);
    }
    {
        use mutagent::playground::*;
        use mutagent::prompt_executions::*;
        fuzz_models!(&h, cases, seed, report;
            PlaygroundResult, PromptExecution, PromptExecutionList, PlaygroundRun, PlaygroundRunList,
        );
    }
    {
        use mutagent::llm_providers::*;
        use mutagent::user_profile::*;
        fuzz_models!(&h, cases, seed, report;
            ProviderConfig, ProviderConfigList, TestConnectionResult, WorkspaceModelListing,
            AvailableModels, UserProfile, UserSessions,
        );
    }
    let mut summary = String::new();
    for (name, tally) in &report {
        let _ = writeln!(
            summary,
            "{name}: {} ok, {} decode errors{}",
            tally.ok,
            tally.decode_errors,
            if tally.seeded {
                ""
            } else {
                " (no valid body found)"
            }
        );
    }
    println!("fuzz: {cases} cases per model, seed {seed}\n{summary}");
    let unseeded: Vec<&str> = report
        .iter()
        .filter(|(_, tally)| !tally.seeded)
        .map(|(name, _)| *name)
        .collect();
    assert!(
        unseeded.is_empty(),
        "no valid body could be discovered for {unseeded:?}:\n{summary}"
    );
    // Every decode error names the same path as decoding the body a second time through a
    // path-tracking deserializer (what the SDK did before `decode/json_path.rs`).
    let differ: Vec<&String> = report
        .iter()
        .flat_map(|(_, tally)| &tally.paths_differ)
        .collect();
    assert!(
        differ.is_empty(),
        "{} decode errors name another path than serde_path_to_error:\n{}",
        differ.len(),
        differ
            .iter()
            .take(10)
            .map(|line| line.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    for (name, tally) in &report {
        assert!(
            (tally.ok + tally.decode_errors) as u64 > cases,
            "{name}: every case ran"
        );
        // Mutations of valid bodies must sometimes still decode (unknown fields, enum values).
        assert!(tally.ok > 0, "{name}: no case decoded at all:\n{summary}");
    }
}

#[test]
fn the_generator_is_deterministic_and_varied() {
    let mut a = Rng::new(42);
    let mut b = Rng::new(42);
    let first: Vec<u64> = (0..100).map(|_| a.next()).collect();
    let second: Vec<u64> = (0..100).map(|_| b.next()).collect();
    assert_eq!(first, second);
    let distinct: std::collections::HashSet<u64> = first.iter().copied().collect();
    assert_eq!(distinct.len(), 100);
    let mut text = String::new();
    let mut rng = Rng::new(7);
    let mut valid = 0;
    for _ in 0..200 {
        text.clear();
        random_json(&mut rng, 0, &mut text);
        if serde_json::from_str::<Value>(&text).is_ok() {
            valid += 1;
        }
    }
    assert!(
        valid > 50 && valid < 200,
        "a mix of valid and invalid JSON: {valid}/200"
    );
}

#[test]
fn discovery_finds_required_fields_and_paths_parse() {
    assert_eq!(
        parse_path("data[3].spans[0].name"),
        vec![
            Step::Key("data".into()),
            Step::Index(3),
            Step::Key("spans".into()),
            Step::Index(0),
            Step::Key("name".into()),
        ]
    );
    assert_eq!(parse_path("."), Vec::<Step>::new());
    assert_eq!(parse_path("[2]"), vec![Step::Index(2)]);
    let h = Harness::new();
    let page = discover::<mutagent::prompt::PromptList>(&h).expect("a valid page");
    let map: &Map<String, Value> = page.as_object().expect("object");
    for key in ["data", "total", "limit", "offset", "hasNext", "hasPrevious"] {
        assert!(map.contains_key(key), "{key} missing from {page}");
    }
    let items = map["data"].as_array().expect("data array");
    assert!(
        !items.is_empty(),
        "the page was filled with an item: {page}"
    );
}
