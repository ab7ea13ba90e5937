//! The JSON path of the value an answer failed to decode at (`data[3].isLatest`, `.` for the
//! whole body), found from where serde_json says the failure is.
//!
//! Answers are decoded by plain `serde_json::from_slice::<T>`. When that fails, its error
//! carries a line, a column and a category. This module reads the body again, up to that
//! position, with serde_json's own parser and a visitor that only keeps track of where it is:
//! one pass, not generic, compiled once in core. It replaces decoding the body a second time
//! as `T` through a path-tracking deserializer (`serde_path_to_error`), which compiled the
//! decoder of every answer type twice, in every crate that calls an operation
//! (docs/performance.md, "Compile time").
//!
//! Where the position points (read off serde_json 1.0's parser), and so which value is meant:
//! * a failure of the JSON itself (a **syntax** error, or the **end of input**) is placed at
//!   the offending byte, and the body read up to there fails the same way: the path is where
//!   that reading stops (between two fields: their object);
//! * a failure of the answer type (a **data** error: a wrong type, a missing field, a value a
//!   `Deserialize` impl refused) is placed just after the value at fault (a scalar, or an
//!   object whose field is missing) or just before it (an array or object where a scalar was
//!   expected); the body read up to there is valid JSON so far. So the path is the value
//!   finished last, or the one about to begin. serde_json also reports some failures of the
//!   type as syntax errors (a number where an enum was expected: "expected value"); they are
//!   told apart by the same sign, the body up to there being valid JSON so far. Two of them
//!   are placed elsewhere and named so: an element too many for a tuple ("trailing
//!   characters", at that element: the sequence), and a second field in an enum's object
//!   ("expected value", after the first: the enum);
//! * a failure found after serde_json has read the value whole (an untagged or internally
//!   tagged enum, any type read through buffered content) is placed where the array or object
//!   holding the value has read on to: past the `,` after an element (the element before is
//!   named), just after a field (named). After the last element or field that is past the
//!   closing `]` or `}`, where the array's or object's own failures are placed too: the path
//!   names the array or object, not the element. This, a second field after a value of one
//!   byte in an enum's object (named as a number where an enum belongs), and such a failure
//!   saying "invalid type: map" ("sequence") past a `,` before a map (an array), named as
//!   that next value refused at its start, are the known differences from
//!   `serde_path_to_error`, tested in `edges`.

use std::fmt::Write as _;

use serde::de::{self, Deserialize as _, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::error::Category;

/// One step of a path: an array index or an object key, as sent. Ordered, so the values to
/// skip are kept sorted (see [`Skipping`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Index(usize),
    Key(String),
}

/// Where the walk is, and what it did last.
#[derive(Debug)]
struct Walk {
    /// The steps to the value the walk is in.
    steps: Vec<Step>,
    /// The value finished last, if no value has begun since (`Some(None)`: the whole body).
    finished: Option<Option<Step>>,
    /// The value about to begin (its key read, or its array position reached), if any.
    expecting: Option<Step>,
    /// What to skip rather than read.
    skipping: Skipping,
}

/// The values a walk skips whole rather than reads (see [`walk_to`]).
#[derive(Debug, Default)]
struct Skipping {
    /// These values, sorted: every value read is looked up, and a small body full of values
    /// to skip (the byte budget allows a 10 KB body some 800 restarts) would otherwise cost
    /// restarts × values read × values skipped. A sorted `Vec` searched by halves rather than
    /// a `HashSet`: as fast at these sizes, and no hash table and hasher compiled for it.
    values: Vec<Vec<Step>>,
    /// Values deeper than [`SKIP_BELOW`], except along this path (and below it).
    deep_except: Option<Vec<Step>>,
    /// How many more bytes the walk may read to start again.
    reread: usize,
}

impl Skipping {
    fn skips(&self, steps: &[Step]) -> bool {
        let along = |path: &Vec<Step>| steps.starts_with(path) || path.starts_with(steps);
        (steps.len() >= SKIP_BELOW && !self.deep_except.as_ref().is_some_and(along))
            || (!self.values.is_empty() && self.holds(steps))
    }

    /// Whether `steps` is one of the values to skip.
    fn holds(&self, steps: &[Step]) -> bool {
        self.values
            .binary_search_by(|value| value.as_slice().cmp(steps))
            .is_ok()
    }

    /// Adds `steps` to the values to skip, unless it is there already.
    fn insert(&mut self, steps: Vec<Step>) {
        let place = self
            .values
            .binary_search_by(|value| value.as_slice().cmp(&steps));
        if let Err(place) = place {
            self.values.insert(place, steps);
        }
    }
}

/// The depth below which the walk skips values whole rather than walking into them. serde_json
/// stops reading into a body at 128 levels ("recursion limit exceeded"), but skips a value the
/// answer type ignores (an unknown field) without that limit; so without this a walk would
/// stop inside a deep unknown field that the decode went past. A failure below this depth is
/// named at this depth, but for a failure *of* the limit, which is walked to (see
/// [`of_error`]).
const SKIP_BELOW: usize = 120;

/// The path of the value `error` (from decoding `json` with `serde_json::from_slice`) is at.
pub(crate) fn of_error(json: &[u8], error: &serde_json::Error) -> String {
    of_error_rereading(json, error, REREAD_BYTES)
}

/// [`of_error`], re-reading at most `reread` bytes or four times the body read to start again.
fn of_error_rereading(json: &[u8], error: &serde_json::Error, reread: usize) -> String {
    let cut = byte_offset(json, error.line(), error.column());
    let mut skipping = Skipping {
        reread: reread.max(cut.saturating_mul(4)),
        ..Skipping::default()
    };
    let category = error.classify();
    let data_error = category == Category::Data;
    // serde_json's errors have no public code; its messages are stable and tested below.
    let message = error.to_string();
    // A data error: the decode went past all of the body up to `cut`; else it broke there.
    let broke_with = (!data_error).then_some(message.as_str());
    let (mut walk, mut valid_so_far) = walk_to(&json[..cut], broke_with, &mut skipping);
    if message.starts_with("recursion limit exceeded") {
        // The limit was reached inside a value the decode read (it skips without a limit):
        // the walk, skipping deep values, stopped on the way there; now it reads on along
        // that way, and reaches the limit where the decode did.
        skipping.deep_except = Some(walk.steps.clone());
        (walk, valid_so_far) = walk_to(&json[..cut], broke_with, &mut skipping);
    }
    let (walk, at_fault_from) = match category {
        Category::Data => (walk, Some(cut)),
        // Valid JSON up to the offending byte (`before`), which serde_json placed the error
        // just after: the answer type refused the value that byte begins, and the walk is
        // read again up to it. (Making this guard `true` is an equivalent mutant for
        // cargo-mutants: JSON broken at its last byte reads as valid so far up to that byte,
        // and the rules below then land on the steps the walk stopped at, as the last arm
        // does; the guard saves a walk.)
        Category::Syntax if valid_so_far => {
            let before = cut.saturating_sub(1);
            // An element too many for a tuple, an array or a struct read from a sequence
            // (serde_json looks for the sequence's `]` once its type has read all it takes):
            // the sequence, which the walk is in.
            let element_too_many = message.starts_with("trailing characters");
            // A number where an enum belongs ("expected value"): the value about to begin.
            let refused_value = !element_too_many
                && before_a_value(&json[..before])
                && json.get(before) != Some(&b']');
            // An enum given `{}`, where its variant's name belongs: the enum.
            let empty_enum = last_byte(&json[..before]) == Some(b'{');
            if element_too_many || refused_value || empty_enum {
                let walk = walk_to(&json[..before], None, &mut skipping).0;
                (walk, refused_value.then_some(before))
            } else {
                // serde_json read an enum's one field (`{"variant": value}`) and found no `}`
                // after it ("expected value" there too, placed before that byte): the enum,
                // the object the walk is in. (A value of one byte, as in `{"a":1,"b":2}`,
                // cannot be told from a number where an enum belongs.)
                (walk, None)
            }
        }
        Category::Syntax | Category::Eof | Category::Io => (walk, None),
    };
    let mut steps = walk.steps;
    if let Some(from) = at_fault_from {
        // Read up to just after `[`, `,` or `:`: the value at fault is the one about to begin;
        // else it is the one just finished (or, if neither, the one the walk is in).
        // But a data error just after a `,` is either a map or an array refused at its start
        // (placed before its `{` or `[`), or the failure of the element before the `,`, known
        // only once that element was read whole: an untagged or internally tagged enum (any
        // type read through buffered content) fails after serde_json has read its value, and
        // serde_json places that failure where the array holding it has read on to, past
        // the `,`.
        let element_before = data_error
            && last_byte(&json[..from]) == Some(b',')
            && !refused_at_start(json.get(from), &message);
        let at_fault = if before_a_value(&json[..from]) && !element_before {
            walk.expecting
        } else if matches!(walk.expecting, Some(Step::Key(_)))
            && message.starts_with("unknown field")
        {
            // Just after a key the answer type refused (a field `deny_unknown_fields` does
            // not know): that key. (A field given twice fails there too, but it is the
            // object's failure.)
            walk.expecting
        } else {
            walk.finished.flatten()
        };
        steps.extend(at_fault);
    }
    display(&steps)
}

/// The last byte of `json` that is not whitespace. (`is_ascii_whitespace` also counts the form
/// feed, which JSON does not; no matter here: `json` is body serde_json read without failing,
/// and it never reads a form feed between two tokens, where this looks.)
fn last_byte(json: &[u8]) -> Option<u8> {
    json.iter()
        .rev()
        .find(|byte| !byte.is_ascii_whitespace())
        .copied()
}

/// Whether `json` stops just after `[`, `,` or `:`, where a value begins.
fn before_a_value(json: &[u8]) -> bool {
    matches!(last_byte(json), Some(b'[' | b',' | b':'))
}

/// Whether a data error placed just before `byte` refuses the map or array it begins (the
/// only values serde_json names a wrong type of before reading them).
fn refused_at_start(byte: Option<&u8>, message: &str) -> bool {
    match byte {
        Some(b'{') => message.starts_with("invalid type: map,"),
        Some(b'[') => message.starts_with("invalid type: sequence,"),
        _ => false,
    }
}

/// How much a walk may re-read to start again (see [`walk_to`]), in bytes: this much, or four
/// times the body read, whichever is more. A body built to make the walk start again and
/// again (a 32 MiB answer full of such values) costs at most a few readings of itself.
const REREAD_BYTES: usize = 8 * 1024 * 1024;

/// Walks `prefix` as far as it goes; says whether it is valid JSON so far (one whole value, or
/// the start of one that ran out of input).
///
/// The walk reads every value, but the decode skipped the values its type ignores, and
/// skipping is more lenient than reading (a number beyond `f64`, a lone surrogate or bytes that
/// are not UTF-8 in a string). So a walk that stops where the decode went on stopped at a
/// value the decode skipped: it starts again, skipping that value too, while
/// `skipping.reread` allows (then the place it stopped is the answer). Where the decode went
/// on is all of `prefix` when the decode failed on a value of its type (`broke_with` is
/// `None`), else all but the last byte, where the JSON broke with the error `broke_with` says:
/// a walk that stops there with another error (a number beyond `f64` just before that byte)
/// stopped in a value the decode skipped too.
fn walk_to(prefix: &[u8], broke_with: Option<&str>, skipping: &mut Skipping) -> (Walk, bool) {
    loop {
        skipping.reread = skipping.reread.saturating_sub(prefix.len());
        let mut walk = Walk {
            steps: Vec::new(),
            finished: None,
            expecting: None,
            skipping: std::mem::take(skipping),
        };
        let mut reader = serde_json::Deserializer::from_slice(prefix);
        let read = At {
            walk: &mut walk,
            step: None,
        }
        .deserialize(&mut reader)
        .and_then(|()| reader.end());
        *skipping = std::mem::take(&mut walk.skipping);
        let stop = match read {
            Ok(()) => return (walk, true),
            Err(stop) if stop.classify() == Category::Eof => return (walk, true),
            Err(stop) => stop,
        };
        // The same message is the same failure at the same line and column.
        let short = broke_with.is_none_or(|broke| stop.to_string() != broke);
        if !short || skipping.reread < prefix.len() || skipping.holds(&walk.steps) {
            return (walk, false);
        }
        skipping.insert(walk.steps);
    }
}

/// The byte offset of serde_json's (1-based line, 0-based byte column) position, within `json`.
fn byte_offset(json: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        json.iter()
            .enumerate()
            .filter(|(_, byte)| **byte == b'\n')
            .nth(line - 2)
            .map_or(json.len(), |(newline, _)| newline + 1)
    };
    line_start.saturating_add(column).min(json.len())
}

/// Writes steps the way `serde_path_to_error` did, which users and tests may match on: keys
/// joined by `.`, indexes as `[i]` without a dot, `.` for the whole body.
fn display(steps: &[Step]) -> String {
    if steps.is_empty() {
        return ".".to_owned();
    }
    let mut out = String::new();
    for (n, step) in steps.iter().enumerate() {
        match step {
            Step::Index(index) => {
                let _ = write!(out, "[{index}]");
            }
            Step::Key(key) => {
                if n > 0 {
                    out.push('.');
                }
                out.push_str(key);
            }
        }
    }
    out
}

/// A value at `step` of the walk: records beginning it, and finishing it unless it fails.
struct At<'w> {
    walk: &'w mut Walk,
    step: Option<Step>,
}

impl<'de> DeserializeSeed<'de> for At<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let At { walk, step } = self;
        if let Some(step) = &step {
            walk.steps.push(step.clone());
        }
        walk.expecting = None;
        walk.finished = None;
        // On an error the steps stay as they are: that is where the walk stopped.
        if !walk.skipping.skips(&walk.steps) {
            deserializer.deserialize_any(Inside { walk: &mut *walk })?;
        } else {
            de::IgnoredAny::deserialize(deserializer)?;
        }
        if step.is_some() {
            walk.steps.pop();
        }
        walk.finished = Some(step);
        Ok(())
    }
}

/// The visitor of one value: scalars are accepted as they are, arrays and objects walked.
struct Inside<'w> {
    walk: &'w mut Walk,
}

impl<'de> Visitor<'de> for Inside<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never shown: serde_json hands this visitor (through `deserialize_any`) only values
        // it accepts, so no "expected ..." error is built from it. Writing nothing here is an
        // equivalent mutant for cargo-mutants (docs/reliability.md §12).
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<(), A::Error> {
        let mut index = 0;
        loop {
            self.walk.expecting = Some(Step::Index(index));
            let item = items.next_element_seed(At {
                walk: &mut *self.walk,
                step: Some(Step::Index(index)),
            })?;
            if item.is_none() {
                self.walk.expecting = None;
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut fields: A) -> Result<(), A::Error> {
        while let Some(key) = fields.next_key::<String>()? {
            // A key read: what follows is this key's value (or, cut here, the object's own
            // failure: a duplicate field), not the value finished before the key.
            self.walk.finished = None;
            self.walk.expecting = Some(Step::Key(key.clone()));
            fields.next_value_seed(At {
                walk: &mut *self.walk,
                step: Some(Step::Key(key)),
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of(json: &str, error: &serde_json::Error) -> String {
        of_error(json.as_bytes(), error)
    }

    #[test]
    fn offsets_follow_lines_and_stay_in_the_body() {
        let json = b"ab\ncd\nef";
        assert_eq!(byte_offset(json, 1, 0), 0);
        assert_eq!(byte_offset(json, 1, 2), 2);
        assert_eq!(byte_offset(json, 2, 1), 4);
        assert_eq!(byte_offset(json, 3, 2), 8);
        // Past the end (a position serde_json would not give): the whole body.
        assert_eq!(byte_offset(json, 9, 0), json.len());
        assert_eq!(byte_offset(json, 3, 99), json.len());
        assert_eq!(byte_offset(json, 0, 1), 1);
    }

    #[test]
    fn steps_are_written_as_before() {
        assert_eq!(display(&[]), ".");
        assert_eq!(display(&[Step::Index(0)]), "[0]");
        let steps = [
            Step::Key("data".into()),
            Step::Index(3),
            Step::Key("isLatest".into()),
        ];
        assert_eq!(display(&steps), "data[3].isLatest");
        assert_eq!(
            display(&[Step::Index(1), Step::Key("a".into()), Step::Index(2)]),
            "[1].a[2]"
        );
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Item>,
        total: u64,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: u64,
        name: String,
        tags: Option<Vec<String>>,
    }

    #[test]
    fn each_kind_of_failure_is_placed_at_its_value() {
        for (json, path) in [
            (
                r#"{"data":[{"id":1,"name":"a"},{"id":"2","name":"b"}],"total":2}"#,
                "data[1].id",
            ),
            (
                r#"{"data":[{"id":1,"name":"a"},{"id":2}],"total":2}"#,
                "data[1]",
            ),
            (
                r#"{"data":[{"id":1,"name":"a","tags":["x",7]}],"total":1}"#,
                "data[0].tags[1]",
            ),
            (
                r#"{"data":[{"id":1,"name":{"no":1}}],"total":1}"#,
                "data[0].name",
            ),
            (r#"{"data":{},"total":1}"#, "data"),
            (r#"{"data":[],"total":-1}"#, "total"),
            (r#"{"data":[]}"#, "."),
            (r#"[1]"#, "[0]"),
            (r#""text""#, "."),
            // Syntax: inside a string, between fields, after the body.
            (
                r#"{"data":[{"id":1,"name":"a\q"}],"total":1}"#,
                "data[0].name",
            ),
            (r#"{"data":[{"id":1 "name":"a"}],"total":1}"#, "data[0]"),
            (r#"{"data":[],"total":1} x"#, "."),
            // End of input: truncated in the middle.
            (r#"{"data":[{"id":1,"na"#, "data[0]"),
            (r#"{"data":[{"id":1,"name":"#, "data[0].name"),
            (
                "{\"data\":[\n{\"id\":1,\n\"name\":\n5}],\"total\":1}",
                "data[0].name",
            ),
        ] {
            let error = serde_json::from_str::<Page>(json).expect_err(json);
            assert_eq!(path_of(json, &error), path, "{json}: {error}");
        }
    }
}

/// The path `serde_path_to_error` names for the failure to decode `body` as `T` (what the
/// decode path did before this module), for the tests to compare with: `.` when only the end
/// (trailing characters) fails, and a key it could not read (`?`) as its object.
#[cfg(test)]
fn tracked_path<T: serde::de::DeserializeOwned>(body: &[u8]) -> String {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let path = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(err) => err.path().to_string(),
        Ok(_) => return ".".to_owned(),
    };
    match path.strip_suffix('?') {
        Some(object) => match object.strip_suffix('.').unwrap_or(object) {
            "" => ".".to_owned(),
            object => object.to_owned(),
        },
        None => path,
    }
}

/// The cases the simple rules do not cover: deep nesting, values the decode skipped, failures
/// serde_json reports as syntax errors.
#[cfg(test)]
mod hard_cases {
    use serde::Deserialize;
    use serde_json::Value;

    use super::{of_error, of_error_rereading};

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Holder {
        kind: Kind,
        meta: Value,
        total: u64,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Chat,
    }

    fn path(json: &str) -> String {
        let error = serde_json::from_str::<Holder>(json).expect_err(json);
        of_error(json.as_bytes(), &error)
    }

    fn nested(depth: usize) -> String {
        format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn serde_json_says_recursion_limit_as_this_module_expects() {
        let error = serde_json::from_str::<Value>(&nested(200)).expect_err("too deep");
        assert!(
            error.to_string().starts_with("recursion limit exceeded"),
            "{error}"
        );
    }

    #[test]
    fn the_recursion_limit_is_named_where_the_decode_reached_it() {
        // Inside `meta`, which the decode reads whole.
        let json = format!(r#"{{"kind":"chat","meta":{},"total":1}}"#, nested(200));
        let found = path(&json);
        assert!(found.starts_with("meta[0][0]"), "{found}");
        let mut deserializer = serde_json::Deserializer::from_str(&json);
        let theirs = serde_path_to_error::deserialize::<_, Holder>(&mut deserializer)
            .expect_err("too deep")
            .path()
            .to_string();
        assert_eq!(found, theirs);
    }

    #[test]
    fn deep_values_the_decode_skipped_do_not_stop_the_walk() {
        // An unknown field nested past serde_json's limit: skipped by the decode, which then
        // fails on `total`.
        let json = format!(
            r#"{{"unknown":{},"kind":"chat","meta":null,"total":"x"}}"#,
            nested(300)
        );
        assert_eq!(path(&json), "total");
        // Many of them: more than the walk could start again for, one by one.
        let deep = vec![nested(300); 8].join(",");
        let json = format!(r#"{{"unknown":[{deep}],"kind":"chat","meta":null,"total":"x"}}"#);
        assert_eq!(path(&json), "total");
    }

    #[test]
    fn values_only_a_strict_reading_refuses_do_not_stop_the_walk() {
        // A number beyond f64, a lone surrogate: fine to skip, refused when read.
        let json = r#"{"a":1e999,"b":"\ud800","c":[1e999],"kind":"chat","meta":{},"total":-1}"#;
        assert_eq!(path(json), "total");
        let json = r#"{"a":1e999,"b":1e999,"c":1e999,"d":1e999,"e":1e999,"f":1e999,"kind":"chat","meta":{},"total":-1}"#;
        assert_eq!(path(json), "total");
        // More of them than the walk may re-read the body for (four times, at the least): it
        // names where it stopped, inside the body still.
        let error = serde_json::from_str::<Holder>(json).expect_err(json);
        assert_eq!(of_error_rereading(json.as_bytes(), &error, 0), "d");
    }

    #[test]
    fn a_value_skipped_just_before_the_failure_does_not_stop_the_walk() {
        // The decode went past all of the body up to its failure (of the type, here a missing
        // field) but the walk stops in its last value: it starts again, skipping that value.
        assert_eq!(path(r#"{"kind":"chat","meta":{},"x":1e999}"#), ".");
        assert_eq!(path(r#"{"kind":"chat","meta":{},"x":"\ud800"}"#), ".");
    }

    #[test]
    fn the_walk_may_reread_eight_mib_to_start_again() {
        // 200 values to skip one by one after 10 KiB: about 2.5 MB read again, more than four
        // times the body, within the 8 MiB the walk may re-read.
        let fields: String = (0..200).map(|n| format!(r#""f{n}":1e999,"#)).collect();
        let json = format!(
            r#"{{"pad":"{}",{fields}"kind":"chat","meta":{{}},"total":-1}}"#,
            "p".repeat(10 * 1024)
        );
        assert_eq!(path(&json), "total");
    }

    #[test]
    fn a_syntax_error_after_values_the_decode_skipped_is_found() {
        // The walk stops at a number beyond f64 the decode skipped, before the byte the JSON
        // broke at: it starts again, and reads on to that byte.
        assert_eq!(path(r#"{"a":1e999,"kind":"chat" x}"#), ".");
        assert_eq!(
            path(r#"{"a":[1e999],"kind":"chat","meta":{"b" 1}}"#),
            "meta"
        );
    }

    #[test]
    fn a_syntax_error_just_after_a_value_the_decode_skipped_is_found() {
        // No byte between a number beyond f64 the decode skipped and the byte the JSON broke
        // at: the walk stops at that byte too, but with another error; it starts again.
        for (json, found) in [
            (r#"{"x":1e999x}"#, "."),
            (r#"{"x":1e999]"#, "."),
            (r#"{"x":[1e999}"#, "x"),
            (r#"{"x":{"y":1e999x}}"#, "x"),
            // A number beyond f64 where the type reads one: its own failure, named there.
            (r#"{"kind":"chat","meta":{},"total":1e999}"#, "total"),
            (r#"{"kind":"chat","meta":[1e999],"total":1}"#, "meta[0]"),
        ] {
            assert_eq!(path(json), found, "{json}");
            let mut deserializer = serde_json::Deserializer::from_str(json);
            let theirs = serde_path_to_error::deserialize::<_, Holder>(&mut deserializer)
                .expect_err(json)
                .path()
                .to_string();
            let theirs = theirs
                .strip_suffix(".?")
                .unwrap_or(&theirs)
                .replace('?', ".");
            assert_eq!(theirs, found, "{json}");
        }
    }

    #[test]
    fn failures_serde_json_calls_syntax_errors_are_named_at_their_value() {
        // A number where an enum belongs: "expected value".
        assert_eq!(path(r#"{"kind":7,"meta":{},"total":1}"#), "kind");
        assert_eq!(path(r#"{"kind":[1],"meta":{},"total":1}"#), "kind");
        // A real syntax error between fields: the object.
        assert_eq!(path(r#"{"kind":"chat" "meta":{},"total":1}"#), ".");
    }

    #[test]
    fn a_field_given_twice_is_the_objects_failure() {
        assert_eq!(
            path(r#"{"kind":"chat","meta":{},"kind":"chat","total":1}"#),
            "."
        );
    }
}

/// The paths found here against `serde_path_to_error`'s, which decodes the body a second time
/// through a path-tracking deserializer (what the decode path did before), over thousands of
/// broken bodies: every value replaced by one of another type, every field removed, the body
/// cut at every byte, a stray byte put at every position; compact and pretty-printed.
#[cfg(test)]
mod differential {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use serde_json::{json, Value};

    use super::of_error;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Item>,
        total: u64,
        #[serde(default)]
        next_cursor: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Item {
        id: u64,
        name: String,
        #[serde(default)]
        tags: Vec<String>,
        kind: Kind,
        score: Option<Score>,
        metadata: Option<BTreeMap<String, Value>>,
        content: Content,
        #[serde(default)]
        created_at: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Chat,
        Completion,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Score {
        value: f64,
        passed: bool,
        by: Vec<(String, i32)>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(untagged)]
    #[allow(dead_code)]
    enum Content {
        Text(String),
        Messages(Vec<Message>),
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Message {
        role: String,
        text: String,
    }

    fn valid() -> Value {
        json!({
            "data": [
                {"id": 1, "name": "a", "tags": ["x", "y"], "kind": "chat",
                 "score": {"value": 0.5, "passed": true, "by": [["len", 3], ["tone", -1]]},
                 "metadata": {"k": [1, {"deep": null}]}, "content": "hello",
                 "createdAt": "2026-12-03T10:00:00Z"},
                {"id": 2, "name": "b\n\"q\"", "kind": "completion", "score": null,
                 "metadata": null,
                 "content": [{"role": "user", "text": "hi"}, {"role": "ai", "text": "yo"}]}
            ],
            "total": 2,
            "nextCursor": "c1"
        })
    }

    /// Every value of `value` (the whole, then each member and item, depth first), as a JSON
    /// pointer.
    fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
        out.push(at.clone());
        match value {
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    pointers(item, format!("{at}/{index}"), out);
                }
            }
            Value::Object(fields) => {
                for (key, item) in fields {
                    pointers(item, format!("{at}/{key}"), out);
                }
            }
            _ => {}
        }
    }

    fn broken_bodies() -> Vec<String> {
        let valid = valid();
        let mut at = Vec::new();
        pointers(&valid, String::new(), &mut at);
        let others = [
            json!("s"),
            json!(7),
            json!(-1),
            json!(1.5),
            json!(1e300),
            json!(true),
            json!(null),
            json!([]),
            json!({}),
            json!([1]),
            json!({"k": 1}),
        ];
        let mut docs = vec![valid.clone()];
        for pointer in &at {
            for other in &others {
                let mut doc = valid.clone();
                if let Some(slot) = doc.pointer_mut(pointer) {
                    *slot = other.clone();
                    docs.push(doc);
                }
            }
            // The member removed.
            if let Some((parent, key)) = pointer.rsplit_once('/') {
                let mut doc = valid.clone();
                if let Some(Value::Object(fields)) = doc.pointer_mut(parent) {
                    fields.remove(key);
                    docs.push(doc);
                }
            }
        }
        let mut bodies = Vec::new();
        for doc in &docs {
            bodies.push(doc.to_string());
            bodies.push(serde_json::to_string_pretty(doc).unwrap_or_default());
        }
        // Cut at every byte, and a stray byte at every position, of the valid body.
        for text in [
            valid.to_string(),
            serde_json::to_string_pretty(&valid).unwrap_or_default(),
        ] {
            for cut in 0..text.len() {
                if text.is_char_boundary(cut) {
                    bodies.push(text[..cut].to_owned());
                    for stray in ["x", ",", "}", "]", "\"", ":", "\\"] {
                        bodies.push(format!("{}{stray}{}", &text[..cut], &text[cut..]));
                    }
                }
            }
        }
        bodies
    }

    #[test]
    fn the_same_paths_as_a_path_tracking_deserializer() {
        let mut compared = 0;
        let mut differ = Vec::new();
        for body in broken_bodies() {
            let Err(error) = serde_json::from_str::<Page>(&body) else {
                continue;
            };
            let theirs = super::tracked_path::<Page>(body.as_bytes());
            let ours = of_error(body.as_bytes(), &error);
            compared += 1;
            if ours != theirs {
                differ.push(format!(
                    "{body}\n  serde_json: {error}\n  ours: {ours}\n  theirs: {theirs}"
                ));
            }
        }
        assert!(compared > 2_000, "only {compared} broken bodies");
        assert!(
            differ.is_empty(),
            "{} of {compared} paths differ:\n{}",
            differ.len(),
            differ
                .iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// Edge cases, each checked against `serde_path_to_error` (what the decode path did before):
/// whitespace, encodings and keys, and the failures serde_json places away from their value.
#[cfg(test)]
mod edges {
    use std::collections::BTreeMap;

    use serde::de::DeserializeOwned;
    use serde::Deserialize;

    use super::of_error;

    /// The path found here and `serde_path_to_error`'s, for a body `T` fails to decode from.
    fn ours_and_theirs<T: DeserializeOwned>(body: &[u8]) -> (String, String) {
        let Err(error) = serde_json::from_slice::<T>(body) else {
            panic!("{}: decodes", String::from_utf8_lossy(body))
        };
        (of_error(body, &error), super::tracked_path::<T>(body))
    }

    /// Asserts the path found here is `path`, and `serde_path_to_error`'s too.
    fn same<T: DeserializeOwned>(body: &[u8], path: &str) {
        let (ours, theirs) = ours_and_theirs::<T>(body);
        let body = String::from_utf8_lossy(&body[..body.len().min(200)]);
        assert_eq!(ours, path, "ours, {body}");
        assert_eq!(theirs, path, "theirs, {body}");
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Item>,
        total: u64,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: u64,
        name: String,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    enum Choice {
        Unit,
        One(u8),
        Two(u8, u8),
        Many(Vec<u8>),
        Named { f: u8 },
    }

    #[derive(Debug, Deserialize)]
    #[serde(untagged)]
    #[allow(dead_code)]
    enum Either {
        Number(u8),
        Text(String),
    }

    #[derive(Debug, Deserialize)]
    #[serde(tag = "type")]
    #[allow(dead_code)]
    enum Tagged {
        X { v: u8 },
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Strict {
        a: u8,
    }

    #[test]
    fn whitespace_of_every_kind_before_the_failure() {
        let crlf = "{\r\n  \"data\": [\r\n    {\r\n      \"id\": 1,\r\n      \"name\": 5\r\n    }\r\n  ],\r\n  \"total\": 1\r\n}";
        same::<Page>(crlf.as_bytes(), "data[0].name");
        same::<Page>(b"{\r\n\"data\":\r\n\t[\r\n\r\n  7],\"total\":1}", "data[0]");
        same::<Page>(b"{\r\n\"data\":\r\n\t{\r\n},\"total\":1}", "data");
        same::<Page>(b"{\r\n\"data\":\r\n\t[\r\n", "data");
        same::<Page>(b"{\r\n\"data\":[{\"id\":1\r\n\"name\":\"a\"}]}", "data[0]");
        same::<Page>(b"{\t\"data\":\t[\t{\"id\":1}\t]\t,\"total\":1}", "data[0]");
        same::<Page>(b"{\"data\" :  [ ] , \"total\" :  \"1\" }", "total");
        same::<Page>(b"{\"data\": [  ", "data");
        same::<Page>(b"{\"data\" ", ".");
        same::<Page>(b"{\"data\" :  ", "data");
        same::<Item>(b"{\"id\":1,\"name\":\"a\"}  \r\n x", ".");
        same::<Vec<Choice>>(b"[ \r\n7]", "[0]");
    }

    #[test]
    fn failures_at_the_first_byte() {
        for body in [
            &b"x"[..],
            b"]",
            b"7",
            b" \r\n 7",
            b"[",
            b"{",
            b"\"",
            b"\xff",
            b"null",
        ] {
            same::<Page>(body, ".");
        }
        // A byte order mark: serde_json does not skip it.
        same::<Page>("\u{feff}{\"data\":[],\"total\":1}".as_bytes(), ".");
    }

    #[test]
    fn columns_are_bytes_and_keys_are_as_sent() {
        // Multi-byte characters before the failure, on the first line and on another.
        let body = "{\"data\":[{\"name\":\"ééééé\",\"id\":\"x\"}],\"total\":1}";
        same::<Page>(body.as_bytes(), "data[0].id");
        let body = "{\"data\":[\n{\"name\":\"ééééé\",\"id\":\"x\"}],\"total\":1}";
        same::<Page>(body.as_bytes(), "data[0].id");
        same::<Page>(
            b"{\"data\":[{\"id\":1,\"name\":\"\xff\"}],\"total\":1}",
            "data[0].name",
        );
        // Keys: not ASCII, escaped, with `.` in them, empty; and a key that is not valid.
        let body = "{\"clé\":1,\"données\":\"x\"}";
        same::<BTreeMap<String, u64>>(body.as_bytes(), "données");
        same::<BTreeMap<String, u64>>("{\"clé\":1,\"données\":1 x}".as_bytes(), ".");
        same::<BTreeMap<String, u64>>(br#"{"a\"b":"x"}"#, "a\"b");
        same::<BTreeMap<String, u64>>(br#"{"\u00e9t\u00e9":"x"}"#, "été");
        same::<BTreeMap<String, Vec<u64>>>(br#"{"a.b":[1,"x"]}"#, "a.b[1]");
        same::<BTreeMap<String, u64>>(br#"{"":"x"}"#, "");
        same::<BTreeMap<String, u64>>(br#"{"a":1,"b\q":2}"#, ".");
        same::<BTreeMap<u64, u64>>(br#"{"1":1,"x":2}"#, ".");
        same::<BTreeMap<String, BTreeMap<u64, u64>>>(br#"{"m":{"007":1}}"#, "m");
    }

    #[test]
    fn long_bodies() {
        let mut body = String::from("{\"data\":[");
        for id in 0..100_000 {
            body.push_str(&format!("{{\"id\":{id},\"name\":\"n\"}},"));
        }
        body.push_str("{\"id\":-1,\"name\":\"n\"}],\"total\":1}");
        same::<Page>(body.as_bytes(), "data[100000].id");
        same::<Page>(body.replace(',', ",\n").as_bytes(), "data[100000].id");
        // Cut in the middle of an element.
        let cut = &body.as_bytes()[..body.len() / 2 + 3];
        let (ours, theirs) = ours_and_theirs::<Page>(cut);
        assert!(ours.starts_with("data[5"), "{ours}");
        assert_eq!(ours, theirs);
    }

    /// Untagged and internally tagged enums fail once their value is read whole, and serde_json
    /// places that failure where the array holding the value has read on to: past the `,`
    /// after it. The element named is the one before, not the next.
    #[test]
    fn failures_known_after_an_element_name_that_element() {
        same::<Vec<Either>>(b"[true,1]", "[0]");
        same::<Vec<Either>>(b"[1,true,2]", "[1]");
        same::<Vec<Either>>(b"[1,true ,\n {}]", "[1]");
        same::<Vec<(Either, u8)>>(b"[[true,1]]", "[0][0]");
        same::<Vec<Tagged>>(br#"[{"type":"X","v":"s"},{"type":"X","v":1}]"#, "[0]");
        same::<Vec<Tagged>>(
            b"[{\"type\":\"X\",\"v\":\"s\"} ,\n {\"type\":\"X\",\"v\":1}]",
            "[0]",
        );
        // A map or an array refused at its start is placed before it, after the `,`: that one.
        same::<Vec<u8>>(b"[1,{}]", "[1]");
        same::<Vec<u8>>(b"[1, [2]]", "[1]");
        same::<Vec<Item>>(br#"[{"id":1,"name":"a"},[]]"#, "[1]");
    }

    /// The known limit. Untagged and internally tagged enums (any type read through buffered
    /// content) fail once their value is read whole, and serde_json places that failure where
    /// the array or object holding the value has read on to. For the last element of an array
    /// (or field of an object) that is after the `]` (`}`) closing it, where a failure of the
    /// array itself (a tuple too short, a missing field) is placed too: the path names the
    /// array or object. `serde_path_to_error` names the element.
    #[test]
    fn failures_known_after_a_last_element_name_its_container() {
        for (body, ours, theirs) in [
            (&br#"[{"type":"X","v":"s"}]"#[..], ".", "[0]"),
            (br#"[{"type":"X","v":1},{"type":"X","v":"s"}]"#, ".", "[1]"),
        ] {
            assert_eq!(
                ours_and_theirs::<Vec<Tagged>>(body),
                (ours.into(), theirs.into())
            );
        }
        assert_eq!(
            ours_and_theirs::<Vec<Vec<Either>>>(b"[[1,true],[1]]"),
            ("[0]".into(), "[0][1]".into())
        );
        assert_eq!(
            ours_and_theirs::<BTreeMap<String, Tagged>>(br#"{"a":{"type":"X","v":"s"}}"#),
            (".".into(), "a".into())
        );
        // Not the last, but failing as serde_json fails a map refused at its start ("invalid
        // type: map") with a map next: the same bytes and message as the next element
        // refused, named so.
        assert_eq!(
            ours_and_theirs::<Vec<Tagged>>(br#"[{"type":"X","v":{}},{"type":"X","v":1}]"#),
            ("[1]".into(), "[0]".into())
        );
        // Not the last: named.
        same::<BTreeMap<String, Tagged>>(
            br#"{"a":{"type":"X","v":"s"},"b":{"type":"X","v":1}}"#,
            "a",
        );
    }

    /// serde_json checks for a sequence's `]` once its type has read all it takes, and calls
    /// an element too many "trailing characters": the sequence.
    #[test]
    fn an_element_too_many_is_the_sequences_failure() {
        same::<Vec<(u8, u8)>>(b"[[1,2],[3,4,5]]", "[1]");
        same::<Vec<(u8, u8)>>(b"[[1,2],[3,4,{\"a\":1}]]", "[1]");
        same::<Vec<(u8, u8)>>(b"[[1,2],[3,4 ,\r\n \"x\"]]", "[1]");
        same::<Vec<[u8; 2]>>(b"[[1,2],[3,4,5]]", "[1]");
        same::<Vec<Item>>(b"[[1,\"a\"],[2,\"b\",3]]", "[1]");
        same::<Vec<Choice>>(br#"[{"Two":[1,2,3]}]"#, "[0].Two");
        // Too short, or a wrong element: as before.
        same::<Vec<Item>>(b"[[1,\"a\"],[2]]", "[1]");
        same::<Vec<Item>>(b"[[1,\"a\"],[2,3]]", "[1][1]");
    }

    /// An externally tagged enum is an object of one field; more is the enum's failure.
    #[test]
    fn an_enum_object_with_more_than_its_variant_is_the_enums_failure() {
        same::<Vec<Choice>>(br#"[{"One":12,"Two":[1,2]}]"#, "[0]");
        same::<Vec<Choice>>(b"[{\"One\":1 , \"Two\":[1,2]}]", "[0]");
        same::<Vec<Choice>>(br#"[{"One":12 x}]"#, "[0]");
        same::<Vec<Choice>>(br#"[{"Many":[],"Unit":null}]"#, "[0]");
        same::<Vec<Choice>>(br#"[{"Many":[1],"Unit":null}]"#, "[0]");
        same::<Vec<Choice>>(br#"[{"Named":{"f":1},"Unit":null}]"#, "[0]");
        same::<Vec<Vec<Choice>>>(br#"[[{"Many":[],"One":2}]]"#, "[0][0]");
        same::<Vec<Choice>>(br#"[{}]"#, "[0]");
        same::<Vec<Choice>>(b"[{ \n }]", "[0]");
        // A value of one byte cannot be told from a number where an enum belongs (the same
        // bytes, message and place): named as that, the variant's value.
        assert_eq!(
            ours_and_theirs::<Vec<Choice>>(br#"[{"One":1,"Two":[1,2]}]"#),
            ("[0].One".into(), "[0]".into())
        );
        // The failures of the variant's value: named there.
        same::<Vec<Choice>>(br#"[{"Unit":1}]"#, "[0].Unit");
        same::<Vec<Choice>>(br#"[{"Two":[1,"x"]}]"#, "[0].Two[1]");
        same::<Vec<Choice>>(br#"[{"Named":{}}]"#, "[0].Named");
        same::<Vec<Choice>>(br#"[{"Zero":1}]"#, "[0]");
        same::<Vec<Choice>>(br#"["Zero"]"#, "[0]");
    }

    #[test]
    fn an_unknown_field_is_named_a_field_given_twice_is_the_objects() {
        same::<Vec<Strict>>(br#"[{"a":1},{"a":1,"b":2}]"#, "[1].b");
        same::<Vec<Strict>>(br#"[{"b":2}]"#, "[0].b");
        same::<Vec<Strict>>(b"[{\"a\":1,\"b\" : 2}]", "[0].b");
        same::<Item>(b"{\"id\":1,\"name\":\"a\",\"id\"  :2}", ".");
    }
}
