//! Deterministic "model" behaviour: prompt rendering and scores derived from hashes, so the
//! same prompt text and item input always give the same score.

use serde_json::Value;

use super::{gs, Obj};
use crate::ids::unit_score;

/// The prompt's text: raw prompt, or system + human prompt.
pub(super) fn prompt_text(p: &Obj) -> String {
    let mut parts = Vec::new();
    for k in ["systemPrompt", "humanPrompt", "rawPrompt"] {
        if let Some(s) = gs(p, k) {
            parts.push(s);
        }
    }
    parts.join("\n")
}

/// JSON with object keys sorted, so equal values hash equally regardless of key order.
pub(super) fn canonical(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let inner: Vec<String> = keys
                .iter()
                .map(|k| {
                    format!(
                        "{}:{}",
                        Value::String((*k).clone()),
                        canonical(&m[k.as_str()])
                    )
                })
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

/// Score in `[0, 1]` of running `text` on `input`, optionally for a named criterion or model.
pub(super) fn score(input: &Value, text: &str, salt: &str) -> f64 {
    unit_score(&[&canonical(input), text, salt])
}

/// Substitutes `{var}` placeholders with the item's input values (the emulator's "model output").
pub(super) fn render(text: &str, input: &Value) -> String {
    let mut out = text.to_string();
    if let Some(m) = input.as_object() {
        for (k, v) in m {
            let val = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            out = out.replace(&format!("{{{k}}}"), &val);
        }
    }
    out
}

/// Rounds to four decimals.
pub(super) fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Mean of a slice (None when empty).
pub(super) fn mean(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        None
    } else {
        Some(round4(xs.iter().sum::<f64>() / xs.len() as f64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_ignores_key_order() {
        assert_eq!(
            canonical(&json!({"b": 1, "a": [1, {"d": 2, "c": 3}]})),
            canonical(&json!({"a": [1, {"c": 3, "d": 2}], "b": 1}))
        );
        assert_eq!(
            score(&json!({"x": 1, "y": 2}), "t", ""),
            score(&json!({"y": 2, "x": 1}), "t", "")
        );
    }

    #[test]
    fn render_substitutes() {
        assert_eq!(
            render("Hi {name}, {n}", &json!({"name": "Ann", "n": 3})),
            "Hi Ann, 3"
        );
    }
}
