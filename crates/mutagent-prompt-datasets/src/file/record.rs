//! Turning one JSON record into a [`NewDatasetItem`], with every problem reported, never
//! skipped (a CSV row: `csv_columns.rs`).

use mutagent_core::models::json_kind;
use mutagent_core::Error;
use mutagent_prompt_dataset_items::NewDatasetItem;
use serde_json::{Map, Value};

/// The keys an item object may hold, in the order of the export's CSV columns.
pub(crate) const ITEM_KEYS: [&str; 7] = [
    "name",
    "input",
    "expectedOutput",
    "userFeedback",
    "systemFeedback",
    "labels",
    "metadata",
];

/// Keys the export helper writes that the server sets itself; ignored on upload, so an
/// exported file can be uploaded again.
const SERVER_KEYS: &[&str] = &["id", "datasetId", "createdAt", "updatedAt"];

/// An item from the JSON object `value`.
pub(crate) fn item_from_json(value: Value) -> Result<NewDatasetItem, String> {
    let Value::Object(mut object) = value else {
        return Err(format!(
            "an item must be a JSON object with an `input` object (got {})",
            json_kind(&value)
        ));
    };
    if let Some(unknown) = object
        .keys()
        .find(|key| !ITEM_KEYS.contains(&key.as_str()) && !SERVER_KEYS.contains(&key.as_str()))
    {
        // A loop, not `ITEM_KEYS.join(", ")`: `join`'s generic copy is about 950 lines of
        // LLVM IR for one error message.
        let mut keys = String::new();
        for (index, key) in ITEM_KEYS.iter().enumerate() {
            if index > 0 {
                keys.push_str(", ");
            }
            keys.push_str(key);
        }
        return Err(format!("unknown key `{unknown}`; an item has {keys}"));
    }
    let Some(input) = present(&mut object, "input") else {
        return Err("the `input` object is missing".into());
    };
    let mut item = NewDatasetItem::new(input);
    item.name = string(&mut object, "name")?;
    item.expected_output = present(&mut object, "expectedOutput");
    item.user_feedback = string(&mut object, "userFeedback")?;
    item.system_feedback = string(&mut object, "systemFeedback")?;
    item.labels = match present(&mut object, "labels") {
        None => None,
        // A loop rather than `map(…).collect::<Result<_, _>>()`, whose in-place collect
        // through `GenericShunt` is several hundred lines of LLVM IR for this one list.
        Some(Value::Array(values)) => {
            let mut labels = Vec::with_capacity(values.len());
            for value in values {
                match value {
                    Value::String(label) => labels.push(label),
                    other => {
                        return Err(format!(
                            "`labels` must hold strings (got {})",
                            json_kind(&other)
                        ))
                    }
                }
            }
            Some(labels)
        }
        Some(other) => {
            return Err(format!(
                "`labels` must be an array of strings (got {})",
                json_kind(&other)
            ))
        }
    };
    item.metadata = present(&mut object, "metadata");
    checked(item)
}

/// The item's own checks, as a reason.
pub(super) fn checked(item: NewDatasetItem) -> Result<NewDatasetItem, String> {
    match item.check() {
        Ok(()) => Ok(item),
        Err(Error::InvalidInput { field, reason, .. }) => Err(format!("`{field}` {reason}")),
        Err(other) => Err(other.to_string()),
    }
}

/// A value that is present and not null.
fn present(object: &mut Map<String, Value>, key: &str) -> Option<Value> {
    take(object, key).filter(|value| !value.is_null())
}

/// The value at `key`, left as `null` in `object` (which is dropped afterwards): taken with
/// `get_mut` rather than `Map::remove`, whose `BTreeMap` rebalancing is about 1,600 lines of
/// LLVM IR.
fn take(object: &mut Map<String, Value>, key: &str) -> Option<Value> {
    object.get_mut(key).map(std::mem::take)
}

fn string(object: &mut Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match present(object, key) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(other) => Err(format!(
            "`{key}` must be a string (got {})",
            json_kind(&other)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_records_map_and_exported_keys_are_tolerated() {
        let item = item_from_json(json!({
            "id": 5, "datasetId": 2, "createdAt": "t", "updatedAt": null,
            "name": "n", "input": {"x": 1}, "expectedOutput": null, "labels": ["a"],
            "userFeedback": null, "systemFeedback": "s", "metadata": {"k": true}
        }))
        .expect("valid");
        assert_eq!(
            item,
            NewDatasetItem::new(json!({"x": 1}))
                .name("n")
                .labels(["a"])
                .system_feedback("s")
                .metadata(json!({"k": true}))
        );
    }

    #[test]
    fn bad_json_records_say_why() {
        let reason = |v: Value| item_from_json(v).expect_err("bad");
        assert!(reason(json!([1])).contains("JSON object"));
        assert!(reason(json!({"name": "x"})).contains("`input`"));
        // A null `input` is as missing as an absent one.
        assert_eq!(
            reason(json!({"input": null})),
            "the `input` object is missing"
        );
        assert!(reason(json!({"input": {}, "expected_output": {}}))
            .contains("unknown key `expected_output`"));
        assert!(reason(json!({"input": "text"})).contains("`input` must be a JSON object"));
        assert!(reason(json!({"input": {}, "labels": [1]})).contains("labels"));
        assert!(reason(json!({"input": {}, "name": 3})).contains("`name` must be a string"));
        assert!(reason(json!({"input": {}, "name": ""})).contains("`name`"));
    }

    /// The two messages built by hand (a loop instead of `join`, a loop instead of a
    /// `collect`), word for word.
    #[test]
    fn hand_built_messages_are_exact() {
        let reason = |v: Value| item_from_json(v).expect_err("bad");
        assert_eq!(
            reason(json!({"input": {}, "extra": 1})),
            "unknown key `extra`; an item has name, input, expectedOutput, userFeedback, \
             systemFeedback, labels, metadata"
        );
        assert_eq!(
            reason(json!({"input": {}, "labels": ["a", 1, null]})),
            "`labels` must hold strings (got a number)"
        );
        let item = item_from_json(json!({"input": {}, "labels": ["a", "b"]})).expect("valid");
        assert_eq!(item.labels, Some(vec!["a".to_owned(), "b".to_owned()]));
    }
}
