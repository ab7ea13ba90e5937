//! Decoding of the untyped experiment answers: every field optional, a value of an unexpected
//! type kept in `extra` instead of failing the whole answer.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The fields of one JSON object, taken out one by one.
pub(crate) struct Fields(Map<String, Value>);

impl Fields {
    pub(crate) fn new(map: Map<String, Value>) -> Self {
        Self(map)
    }

    /// Takes `key` as `T`. `null` reads as `None`; a value that is not a `T` stays in the
    /// remaining fields.
    pub(crate) fn take<T: DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        self.take_with(key, |value| T::deserialize(value).ok())
    }

    /// Takes an integer given as a number or as a numeric string.
    pub(crate) fn take_int(&mut self, key: &str) -> Option<i64> {
        self.take_with(key, |value| match value {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        })
    }

    /// Takes a number given as a number or as a numeric string.
    pub(crate) fn take_number(&mut self, key: &str) -> Option<f64> {
        self.take_with(key, |value| match value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        })
    }

    /// Takes `key` as it is; `null` reads as `None`.
    pub(crate) fn take_value(&mut self, key: &str) -> Option<Value> {
        self.0.remove(key).filter(|value| !value.is_null())
    }

    fn take_with<T>(&mut self, key: &str, read: impl FnOnce(&Value) -> Option<T>) -> Option<T> {
        let value = self.0.remove(key)?;
        if value.is_null() {
            return None;
        }
        let read = read(&value);
        if read.is_none() {
            self.0.insert(key.to_owned(), value);
        }
        read
    }

    /// The fields not taken.
    pub(crate) fn rest(self) -> Map<String, Value> {
        self.0
    }
}
