//! Filling a prompt's template variables with values: [`PromptContent::render`] and
//! [`Prompt::render`].
//!
//! The contract says only that "template variables use single braces `{var}`" (models.md,
//! `CreatePrompt`). The rules here are the narrowest reading of that sentence, so that text
//! which merely contains braces (a JSON example in a prompt, `{ "a": 1 }`) is never touched:
//!
//! - a variable is `{` + an identifier + `}`, the identifier being `[A-Za-z_][A-Za-z0-9_]*`
//!   with no spaces; any other brace text is copied as it is;
//! - a string value is inserted as it is; any other JSON value (number, bool, null, array,
//!   object) as its compact JSON text;
//! - every variable the template names must be given: the error lists all the missing ones,
//!   so a `{var}` never reaches a model by accident; values the template does not name are
//!   ignored (an item of a dataset may carry more fields than the prompt uses);
//! - inserted values are not scanned again, so a value holding `{other}` stays as it is;
//! - the contract defines no escaping: `{{name}}` renders as `{` + the value + `}`.

use std::fmt;

use mutagent_core::models::json_kind;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::models::{Message, Prompt, PromptContent};

/// The name given to this step in errors, as operations name theirs.
const STEP: &str = "render_prompt";

/// Why a prompt could not be rendered. Nothing is partially rendered: an error means no text.
///
/// It converts into [`mutagent_core::Error`] with `?` (as an
/// [`Error::InvalidInput`](mutagent_core::Error::InvalidInput) of `render_prompt`).
#[derive(Debug)]
#[non_exhaustive]
pub enum RenderError {
    /// The template names variables that were not given, each listed once, in the order
    /// they first appear.
    MissingVariables {
        /// The names, without braces.
        names: Vec<String>,
    },
    /// The values did not serialise to a JSON object (say a number or a list was passed).
    ValuesNotAnObject {
        /// The JSON type they serialised to, e.g. `array`.
        found: &'static str,
    },
    /// The values could not be serialised to JSON (a map with non-string keys, or a
    /// `Serialize` implementation that failed).
    ValuesNotSerializable {
        /// serde_json's error.
        source: serde_json::Error,
    },
    /// The prompt has no content to render: the server sent none of `rawPrompt`,
    /// `systemPrompt` + `humanPrompt` or `messages`.
    NoContent,
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{STEP}] ")?;
        match self {
            RenderError::MissingVariables { names } => {
                f.write_str("no value for the template variable(s) ")?;
                for (i, name) in names.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "`{name}`")?;
                }
                Ok(())
            }
            RenderError::ValuesNotAnObject { found } => write!(
                f,
                "the values must serialise to a JSON object of variable names, not {found}"
            ),
            // The cause is `source()`'s, not repeated here: a chain printer shows it once.
            RenderError::ValuesNotSerializable { .. } => {
                f.write_str("the values could not be serialised to JSON")
            }
            RenderError::NoContent => f.write_str(
                "the prompt has no content (no rawPrompt, systemPrompt + humanPrompt or messages)",
            ),
        }
    }
}

impl std::error::Error for RenderError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RenderError::ValuesNotSerializable { source } => Some(source),
            _ => None,
        }
    }
}

impl From<RenderError> for mutagent_core::Error {
    fn from(err: RenderError) -> Self {
        let field = match &err {
            RenderError::NoContent => "content",
            _ => "values",
        };
        // The reason is the message without its `[render_prompt] ` prefix, which the
        // InvalidInput message adds back from the operation.
        let message = err.to_string();
        let mut reason = message
            .strip_prefix(&format!("[{STEP}] "))
            .unwrap_or(&message)
            .to_owned();
        // InvalidInput keeps no source, so serde_json's words go into its reason.
        if let RenderError::ValuesNotSerializable { source } = &err {
            reason = format!("{reason}: {source}");
        }
        mutagent_core::Error::invalid_input(STEP, field, reason)
    }
}

impl PromptContent {
    /// This content with its `{variables}` replaced by `values`, in the same form (messages
    /// stay messages, with their roles). `values` is anything that serialises to a JSON
    /// object: your own `#[derive(Serialize)]` struct, `serde_json::json!({...})`, a
    /// `serde_json::Map` or a `HashMap<&str, T: Serialize>`.
    ///
    /// The rules (the contract only says "single braces `{var}`"): a variable is `{name}`
    /// with `name` matching `[A-Za-z_][A-Za-z0-9_]*`; any other brace text is kept as it is;
    /// strings are inserted as they are, other values as compact JSON; every variable named
    /// must be given, or the error lists the missing ones. No escaping is defined by the
    /// contract, so none is offered. See the [module docs](crate::render) for the rest.
    ///
    /// ```
    /// use mutagent_prompt::{Message, PromptContent, RenderError};
    /// use serde_json::json;
    ///
    /// let content = PromptContent::messages([
    ///     Message::system("Answer as JSON like {\"answer\": 1}."),
    ///     Message::user("Hello {name}, you have {count} new messages."),
    /// ]);
    /// let rendered = content.render(&json!({"name": "Ada", "count": 3}))?;
    /// assert_eq!(
    ///     rendered,
    ///     PromptContent::messages([
    ///         Message::system("Answer as JSON like {\"answer\": 1}."),
    ///         Message::user("Hello Ada, you have 3 new messages."),
    ///     ])
    /// );
    ///
    /// // A missing value is an error naming it, never a `{count}` left in the text.
    /// let err = content.render(&json!({"name": "Ada"})).unwrap_err();
    /// assert!(matches!(&err, RenderError::MissingVariables { names } if names == &["count"]));
    /// # Ok::<(), RenderError>(())
    /// ```
    pub fn render<V: Serialize + ?Sized>(&self, values: &V) -> Result<PromptContent, RenderError> {
        let values = values_object(values)?;
        let mut missing = Missing::default();
        let mut fill = |text: &str| fill_template(text, &values, &mut missing);
        let rendered = match self {
            PromptContent::Raw(text) => PromptContent::Raw(fill(text)),
            PromptContent::Chat { system, human } => PromptContent::Chat {
                system: fill(system),
                human: fill(human),
            },
            PromptContent::Messages(messages) => PromptContent::Messages(
                messages
                    .iter()
                    .map(|message| Message::new(message.role.clone(), fill(&message.content)))
                    .collect(),
            ),
        };
        missing.into_result(rendered)
    }
}

impl Prompt {
    /// This prompt's [content](Self::content) with its `{variables}` replaced by `values`;
    /// see [`PromptContent::render`] for the rules. A prompt the server sent without any
    /// content is a [`RenderError::NoContent`].
    ///
    /// ```no_run
    /// use mutagent_prompt::PromptExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let prompt = client.prompt().get_prompt(42).await?;
    /// let content = prompt.render(&serde_json::json!({"name": "Ada"}))?;
    /// println!("{content:?}");
    /// # Ok(()) }
    /// ```
    pub fn render<V: Serialize + ?Sized>(&self, values: &V) -> Result<PromptContent, RenderError> {
        self.content().ok_or(RenderError::NoContent)?.render(values)
    }
}

fn values_object<V: Serialize + ?Sized>(values: &V) -> Result<Map<String, Value>, RenderError> {
    match serde_json::to_value(values) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(RenderError::ValuesNotAnObject {
            found: json_kind(&other),
        }),
        Err(source) => Err(RenderError::ValuesNotSerializable { source }),
    }
}

/// The variables not given, in order of first appearance, each once.
#[derive(Default)]
struct Missing {
    names: Vec<String>,
    /// The names in `names`, as a set. A `serde_json::Map` (values unused) rather than a
    /// `BTreeSet<String>`: its tree code is compiled upstream already and shared, where a
    /// `BTreeSet<String>` was compiled here, 39% of this crate's generated code.
    seen: Map<String, Value>,
}

impl Missing {
    fn add(&mut self, name: &str) {
        if self.seen.insert(name.to_owned(), Value::Null).is_none() {
            self.names.push(name.to_owned());
        }
    }

    fn into_result(self, rendered: PromptContent) -> Result<PromptContent, RenderError> {
        if self.names.is_empty() {
            Ok(rendered)
        } else {
            Err(RenderError::MissingVariables { names: self.names })
        }
    }
}

/// Replaces each `{identifier}` of `text` by its value; records the names without one.
fn fill_template(text: &str, values: &Map<String, Value>, missing: &mut Missing) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match variable_at(after) {
            Some(name) => {
                match values.get(name) {
                    Some(Value::String(s)) => out.push_str(s),
                    Some(other) => out.push_str(&other.to_string()),
                    None => missing.add(name),
                }
                rest = &after[name.len() + 1..];
            }
            None => {
                // Not a variable: keep the brace and scan on from the next character, so
                // `{{name}}` still finds `{name}` inside.
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The identifier at the start of `text` when it is closed by `}` right after.
fn variable_at(text: &str) -> Option<&str> {
    let end = text
        .char_indices()
        .find(|&(i, c)| {
            let ok = c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit());
            !ok
        })
        .map(|(i, _)| i)?;
    if end == 0 || !text[end..].starts_with('}') {
        return None;
    }
    Some(&text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::HashMap;

    fn raw(text: &str, values: Value) -> Result<String, RenderError> {
        match PromptContent::raw(text).render(&values)? {
            PromptContent::Raw(text) => Ok(text),
            other => panic!("form changed: {other:?}"),
        }
    }

    #[test]
    fn replaces_identifiers_and_keeps_other_brace_text() {
        let out = raw(
            "Hi {name}! JSON: {\"a\": {b}} { spaced } {} {1x} {_ok} {a-b} end{",
            json!({"name": "Ada", "b": 2, "_ok": "yes"}),
        )
        .unwrap();
        assert_eq!(
            out,
            "Hi Ada! JSON: {\"a\": 2} { spaced } {} {1x} yes {a-b} end{"
        );
    }

    #[test]
    fn strings_as_is_other_values_as_compact_json() {
        let out = raw(
            "{s}|{n}|{f}|{b}|{z}|{l}|{o}",
            json!({"s": "a \"q\"", "n": 3, "f": 1.5, "b": true, "z": null, "l": [1, "x"], "o": {"k": 1}}),
        )
        .unwrap();
        assert_eq!(out, "a \"q\"|3|1.5|true|null|[1,\"x\"]|{\"k\":1}");
    }

    #[test]
    fn every_missing_variable_is_listed_once_in_order() {
        let content = PromptContent::chat("{b} and {a}", "{b} {c} {given}");
        let err = content.render(&json!({"given": 1})).unwrap_err();
        match &err {
            RenderError::MissingVariables { names } => assert_eq!(names, &["b", "a", "c"]),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            err.to_string(),
            "[render_prompt] no value for the template variable(s) `b`, `a`, `c`"
        );
    }

    #[test]
    fn inserted_values_are_not_scanned_again_and_extra_values_are_ignored() {
        let out = raw("{a}", json!({"a": "{b}", "unused": 1})).unwrap();
        assert_eq!(out, "{b}");
    }

    #[test]
    fn doubled_braces_are_not_an_escape() {
        assert_eq!(raw("{{a}}", json!({"a": "x"})).unwrap(), "{x}");
    }

    #[test]
    fn forms_are_kept() {
        let chat = PromptContent::chat("S {x}", "H {x}")
            .render(&json!({"x": "1"}))
            .unwrap();
        assert_eq!(chat, PromptContent::chat("S 1", "H 1"));
        let messages = PromptContent::messages([
            Message::system("sys {x}"),
            Message::assistant("a"),
            Message::new("tool", "t {x}"),
        ])
        .render(&json!({"x": "v"}))
        .unwrap();
        assert_eq!(
            messages,
            PromptContent::messages([
                Message::system("sys v"),
                Message::assistant("a"),
                Message::new("tool", "t v"),
            ])
        );
    }

    #[test]
    fn values_may_be_a_struct_or_a_map() {
        #[derive(Serialize)]
        struct Vars<'a> {
            name: &'a str,
            age: u32,
        }
        let content = PromptContent::raw("{name} is {age}");
        let from_struct = content
            .render(&Vars {
                name: "Ada",
                age: 36,
            })
            .unwrap();
        let from_map = content
            .render(&HashMap::from([("name", json!("Ada")), ("age", json!(36))]))
            .unwrap();
        assert_eq!(from_struct, PromptContent::raw("Ada is 36"));
        assert_eq!(from_map, from_struct);
    }

    #[test]
    fn values_that_are_not_an_object_are_refused() {
        let err = PromptContent::raw("{a}").render(&[1, 2]).unwrap_err();
        assert!(matches!(
            err,
            RenderError::ValuesNotAnObject { found: "an array" }
        ));
        let err = PromptContent::raw("{a}")
            .render(&HashMap::from([((1, 2), 3)]))
            .unwrap_err();
        assert!(matches!(err, RenderError::ValuesNotSerializable { .. }));
        let cause = std::error::Error::source(&err)
            .expect("serde_json's error")
            .to_string();
        // Printed once in a chain: the message leaves the cause to `source()`.
        assert!(!err.to_string().contains(&cause), "{err}");
        // The SDK error keeps no source, so its message carries serde_json's words.
        let sdk: mutagent_core::Error = err.into();
        assert!(sdk.to_string().contains(&cause), "{sdk}");
    }

    #[test]
    fn non_ascii_text_around_variables_is_kept() {
        assert_eq!(
            raw("héllo {näme} {name}ü", json!({"name": "Zoë"})).unwrap(),
            "héllo {näme} Zoëü"
        );
    }

    #[test]
    fn a_prompt_without_content_is_no_content() {
        let prompt: Prompt = serde_json::from_value(json!({
            "id": 1, "promptGroupId": "g1", "name": "p", "version": "1.0.0", "isLatest": true
        }))
        .unwrap();
        assert!(matches!(
            prompt.render(&json!({})),
            Err(RenderError::NoContent)
        ));
        let with: Prompt = serde_json::from_value(json!({
            "id": 1, "promptGroupId": "g1", "name": "p", "version": "1.0.0", "isLatest": true,
            "rawPrompt": "Hi {name}"
        }))
        .unwrap();
        assert_eq!(
            with.render(&json!({"name": "Ada"})).unwrap(),
            PromptContent::raw("Hi Ada")
        );
    }

    #[test]
    fn converts_into_the_sdk_error_as_invalid_input() {
        let err: mutagent_core::Error = PromptContent::raw("{a}")
            .render(&json!({}))
            .unwrap_err()
            .into();
        assert_eq!(err.operation(), Some("render_prompt"));
        assert_eq!(
            err.to_string(),
            "[render_prompt] invalid input: `values` no value for the template variable(s) `a`"
        );
    }
}
