//! Parsing one JSON record into a [`Value`] the way `serde_json::from_slice` does, except that
//! a key written twice in one object is an error: `serde_json`'s `Value` keeps the last one
//! silently, and a record with two `input` objects (or one variable set twice) would lose data
//! without a word, where the helpers promise that nothing is skipped silently.
//!
//! The depth is bounded as in `serde_json` (its recursion limit of 128 applies to every array
//! and object this visitor enters), so deep nesting is an error, never a stack overflow.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// The JSON value in `bytes` (whitespace around it allowed, nothing else); an error, with its
/// line and column, for invalid JSON and for a key repeated in one object.
pub(crate) fn parse(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = StrictValue.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
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
        assert!(
            err.to_string()
                .starts_with("the key `x` appears twice in one object at line 2"),
            "{err}"
        );
        assert!(parse(b"{\"a\": {\"a\": 1}, \"b\": [{\"a\": 1}, {\"a\": 2}]}").is_ok());
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
