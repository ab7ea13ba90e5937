//! Parsing one JSON record into a [`Value`] the way `serde_json::from_slice` does, except that
//! a key written twice in one object is an error: `serde_json`'s `Value` keeps the last one
//! silently, and a record with two `input` objects (or one variable set twice) would lose data
//! without a word, where the helpers promise that nothing is skipped silently.
//!
//! An integer beyond 64 bits is an error too: `serde_json` (without its `arbitrary_precision`
//! feature, which would change `Value` for the whole dependency tree) reads it as the nearest
//! float, so `123456789012345678901234567890` would be sent as `1.2345678901234568e29`.
//! Python's `json` writes such integers exactly, so files from it can hold them.
//!
//! The depth is bounded as in `serde_json` (its recursion limit of 128 applies to every array
//! and object this visitor enters), so deep nesting is an error, never a stack overflow.

use super::json_strings::StringScan;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Why a record is refused.
#[derive(Debug)]
pub(crate) enum JsonError {
    /// Not JSON, or a key repeated in one object (the message has the line and column).
    Invalid(serde_json::Error),
    /// An integer that no 64-bit integer holds.
    WideInteger {
        /// The line (1-based, in the record) and the column (1-based, in bytes).
        line: u64,
        column: u64,
        /// Its first digits.
        shown: String,
    },
}

impl JsonError {
    /// The line of the problem, 1-based from the start of the record.
    pub(crate) fn line(&self) -> u64 {
        match self {
            // 0 when `serde_json` knows no position.
            JsonError::Invalid(err) => (err.line() as u64).max(1),
            JsonError::WideInteger { line, .. } => *line,
        }
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonError::Invalid(err) => write!(f, "invalid JSON: {err}"),
            JsonError::WideInteger {
                line,
                column,
                shown,
            } => write!(
                f,
                "the integer {shown} is beyond 64 bits and would be sent rounded, at line {line} \
                 column {column} (write it as a string to keep every digit)"
            ),
        }
    }
}

/// The JSON value in `bytes` (whitespace around it allowed, nothing else); an error, with its
/// line and column, for invalid JSON, a key repeated in one object and an integer beyond 64
/// bits.
pub(crate) fn parse(bytes: &[u8]) -> Result<Value, JsonError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = StrictValue
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value))
        .map_err(JsonError::Invalid)?;
    check_integers(bytes)?;
    Ok(value)
}

/// Refuses an integer literal (a number without `.`, `e` or `E`) that neither `i64` nor `u64`
/// holds. Runs on JSON already parsed, so every token outside strings that starts with `-` or
/// a digit is a number, and strings hold no raw line break.
fn check_integers(bytes: &[u8]) -> Result<(), JsonError> {
    let mut strings = StringScan::default();
    let mut line = 1;
    let mut line_start = 0;
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        if strings.takes(byte) {
            index += 1;
            continue;
        }
        match byte {
            b'\n' => {
                line += 1;
                line_start = index + 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = index;
                while bytes
                    .get(index)
                    .is_some_and(|b| matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                {
                    index += 1;
                }
                let token = &bytes[start..index];
                if !token.iter().any(|b| matches!(b, b'.' | b'e' | b'E')) && !fits_64_bits(token) {
                    let digits = String::from_utf8_lossy(token);
                    let shown = match digits.get(..24) {
                        Some(head) if digits.len() > 24 => format!("{head}…"),
                        _ => digits.into_owned(),
                    };
                    return Err(JsonError::WideInteger {
                        line,
                        column: (start - line_start + 1) as u64,
                        shown,
                    });
                }
                continue;
            }
            _ => {}
        }
        index += 1;
    }
    Ok(())
}

fn fits_64_bits(token: &[u8]) -> bool {
    std::str::from_utf8(token)
        .is_ok_and(|text| text.parse::<i64>().is_ok() || text.parse::<u64>().is_ok())
}

/// A [`Value`] whose objects have no repeated key.
struct StrictValue;

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Value, E> {
        // `serde_json` never hands a non-finite number (it refuses `NaN` and out-of-range
        // literals itself); refused here too rather than turned into `null`.
        Number::from_f64(value)
            .map(Value::Number)
            .ok_or_else(|| E::custom("a number that is not finite"))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut values = Vec::new();
        while let Some(value) = seq.next_element_seed(StrictValue)? {
            values.push(value);
        }
        Ok(Value::Array(values))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "the key `{key}` appears twice in one object"
                )));
            }
            let value = map.next_value_seed(StrictValue)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_what_serde_json_parses() {
        let text = br#" {"a": [1, -2, 3.5, 18446744073709551615, true, null, "s\u00e9"], "b": {"c": {}}} "#;
        assert_eq!(
            parse(text).expect("valid"),
            serde_json::from_slice::<Value>(text).expect("valid")
        );
        assert_eq!(parse(b"[]").expect("array"), json!([]));
    }

    #[test]
    fn a_repeated_key_is_an_error_with_its_position() {
        let err = parse(b"{\"a\": 1,\n \"b\": {\"x\": 1, \"x\": 2}}").expect_err("repeated");
        assert_eq!(err.line(), 2);
        assert!(
            err.to_string()
                .starts_with("invalid JSON: the key `x` appears twice in one object at line 2"),
            "{err}"
        );
        assert!(parse(b"{\"a\": {\"a\": 1}, \"b\": [{\"a\": 1}, {\"a\": 2}]}").is_ok());
    }

    #[test]
    fn integers_beyond_64_bits_are_errors_with_their_position() {
        for (text, line, column, shown) in [
            ("[18446744073709551616]", 1, 2, "18446744073709551616"),
            (
                "{\"a\": \"1e99\",\n \"b\": -9223372036854775809}",
                2,
                7,
                "-9223372036854775809",
            ),
            (
                "[1, 1234567890123456789012345678901234567890]",
                1,
                5,
                "123456789012345678901234…",
            ),
        ] {
            match parse(text.as_bytes()) {
                Err(JsonError::WideInteger {
                    line: got_line,
                    column: got_column,
                    shown: got_shown,
                }) => assert_eq!(
                    (got_line, got_column, got_shown.as_str()),
                    (line, column, shown),
                    "{text}"
                ),
                other => panic!("{text}: {other:?}"),
            }
        }
        // Within 64 bits, floats, and digits in strings (escaped quotes included) are fine.
        let text = br#"{"a": [18446744073709551615, -9223372036854775808, 0, -0, 1e400000000000000000000000000, 12345678901234567890123.5], "s\"": "99999999999999999999999"}"#;
        assert!(
            parse(text).is_err(),
            "1e4... is out of range for serde_json"
        );
        let text = br#"{"a": [18446744073709551615, -9223372036854775808, 0, -0, 1.5e30, 12345678901234567890123.5], "s\"": "99999999999999999999999"}"#;
        assert!(parse(text).is_ok());
    }

    #[test]
    fn invalid_json_and_deep_nesting_are_errors() {
        assert!(parse(b"{\"a\": NaN}").is_err());
        assert!(parse(b"{\"a\": 1e400}").is_err());
        assert!(parse(b"{} {}").is_err());
        assert!(parse(b"\"\xff\"").is_err());
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let err = parse(deep.as_bytes()).expect_err("too deep");
        assert!(err.to_string().contains("recursion limit"), "{err}");
    }
}
