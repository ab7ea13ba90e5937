//! Dataset item models: what the API returns and what it takes.

use mutagent_core::ids::{DatasetId, DatasetItemId};
use mutagent_core::request::validate;
use mutagent_core::Error;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One item (one test case) of a dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PromptDatasetItem {
    /// The item id.
    pub id: DatasetItemId,
    /// The dataset it belongs to.
    pub dataset_id: DatasetId,
    /// A name.
    #[serde(default)]
    pub name: Option<String>,
    /// The values of the prompt's template variables (a JSON object).
    #[serde(default)]
    pub input: Value,
    /// What the prompt should produce for this input (a JSON object per the docs).
    #[serde(default)]
    pub expected_output: Value,
    /// Feedback from a user.
    #[serde(default)]
    pub user_feedback: Option<String>,
    /// Feedback from the system.
    #[serde(default)]
    pub system_feedback: Option<String>,
    /// Labels.
    #[serde(default)]
    pub labels: Option<Vec<String>>,
    /// Free-form metadata.
    #[serde(default)]
    pub metadata: Value,
    /// When it was created (ISO 8601 text).
    #[serde(default)]
    pub created_at: Option<String>,
    /// When it was last updated (ISO 8601 text).
    #[serde(default)]
    pub updated_at: Option<String>,
}

impl PromptDatasetItem {
    /// Decodes [`input`](Self::input) as your own type, typically the struct of the prompt's
    /// template variables, without cloning the JSON (as [`serde_json::from_value`] on a clone
    /// would).
    ///
    /// ```
    /// use mutagent_prompt_dataset_items::PromptDatasetItem;
    /// use serde::Deserialize;
    ///
    /// #[derive(Deserialize)]
    /// struct Question {
    ///     question: String,
    /// }
    /// #[derive(Deserialize)]
    /// struct Answer {
    ///     answer: String,
    /// }
    ///
    /// let item: PromptDatasetItem = serde_json::from_value(serde_json::json!({
    ///     "id": 1, "datasetId": 12,
    ///     "input": {"question": "2+2?"}, "expectedOutput": {"answer": "4"},
    /// }))?;
    /// assert_eq!(item.input_as::<Question>()?.question, "2+2?");
    /// assert_eq!(item.expected_output_as::<Answer>()?.answer, "4");
    /// // An item without an expected output reads as `None` through `Option`.
    /// let bare: PromptDatasetItem =
    ///     serde_json::from_value(serde_json::json!({"id": 2, "datasetId": 12, "input": {}}))?;
    /// assert!(bare.expected_output_as::<Option<Answer>>()?.is_none());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn input_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(&self.input)
    }

    /// Decodes [`expected_output`](Self::expected_output) as your own type; an item without
    /// one holds JSON `null`, which decodes as `None` when `T` is an `Option`. See
    /// [`input_as`](Self::input_as).
    pub fn expected_output_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(&self.expected_output)
    }
}

/// A new item: the body of `create_prompt_dataset_item` and one element of
/// `bulk_create_prompt_dataset_items`.
///
/// ```
/// use mutagent_prompt_dataset_items::NewDatasetItem;
/// use serde_json::json;
/// let item = NewDatasetItem::new(json!({"name": "Ada"}))
///     .name("greets Ada")
///     .expected_output(json!({"text": "Hello, Ada!"}))
///     .labels(["smoke"]);
/// let wire = serde_json::to_value(&item).unwrap();
/// assert_eq!(wire["expectedOutput"]["text"], "Hello, Ada!");
/// assert!(wire.get("metadata").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NewDatasetItem {
    /// The values of the template variables; must be a JSON object.
    pub input: Value,
    /// A name (1 to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The expected output; must be a JSON object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_output: Option<Value>,
    /// Feedback from a user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_feedback: Option<String>,
    /// Feedback from the system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_feedback: Option<String>,
    /// Labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    /// Free-form metadata; must be a JSON object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

impl NewDatasetItem {
    /// An item with its input (a JSON object of variable values).
    pub fn new(input: Value) -> Self {
        Self {
            input,
            name: None,
            expected_output: None,
            user_feedback: None,
            system_feedback: None,
            labels: None,
            metadata: None,
        }
    }
    /// An item whose input is your own type, typically the struct of the prompt's template
    /// variables (the write side of [`PromptDatasetItem::input_as`]), without writing
    /// `serde_json::to_value` yourself.
    ///
    /// The error, an [`Error::InvalidInput`] of `create_prompt_dataset_item` naming `input`,
    /// says why: the value did not serialise to a JSON object (a number, a list, …), or could
    /// not be serialised at all (a map with non-string keys).
    ///
    /// ```
    /// use mutagent_prompt_dataset_items::NewDatasetItem;
    /// use serde::Serialize;
    ///
    /// #[derive(Serialize)]
    /// struct Question<'a> {
    ///     question: &'a str,
    /// }
    /// #[derive(Serialize)]
    /// struct Answer<'a> {
    ///     answer: &'a str,
    /// }
    ///
    /// let item = NewDatasetItem::from_input(&Question { question: "2+2?" })?
    ///     .expected_output_from(&Answer { answer: "4" })?
    ///     .name("sums");
    /// assert_eq!(item.input, serde_json::json!({"question": "2+2?"}));
    /// assert_eq!(item.expected_output, Some(serde_json::json!({"answer": "4"})));
    ///
    /// // Not an object: refused with the field named, before anything is sent.
    /// let err = NewDatasetItem::from_input(&[1, 2]).unwrap_err();
    /// assert!(err.to_string().contains("`input` must be a JSON object (got an array)"), "{err}");
    /// # Ok::<(), mutagent_core::Error>(())
    /// ```
    pub fn from_input<T: Serialize + ?Sized>(input: &T) -> Result<Self, Error> {
        Ok(Self::new(json_object(
            crate::operations::CREATE_PROMPT_DATASET_ITEM.name,
            "input",
            input,
        )?))
    }

    /// Sets the expected output from your own type (the write side of
    /// [`PromptDatasetItem::expected_output_as`]); the error is that of
    /// [`from_input`](Self::from_input), naming `expectedOutput`.
    pub fn expected_output_from<T: Serialize + ?Sized>(
        mut self,
        output: &T,
    ) -> Result<Self, Error> {
        self.expected_output = Some(json_object(
            crate::operations::CREATE_PROMPT_DATASET_ITEM.name,
            "expectedOutput",
            output,
        )?);
        Ok(self)
    }

    mutagent_core::setters! {
        /// Sets the name.
        into name: String;
        /// Sets the expected output (a JSON object).
        value expected_output: Value;
        /// Sets the user feedback.
        into user_feedback: String;
        /// Sets the system feedback.
        into system_feedback: String;
        /// Sets the labels.
        list labels: String;
        /// Sets the metadata (a JSON object).
        value metadata: Value;
    }

    /// Checks the documented constraints (what is checked before sending): `name` 1 to 255
    /// characters, `input` a JSON object, `expectedOutput` and `metadata` JSON objects when
    /// set. The error is an [`Error::InvalidInput`] of `create_prompt_dataset_item` naming
    /// the field.
    pub fn check(&self) -> Result<(), Error> {
        self.check_as(crate::operations::CREATE_PROMPT_DATASET_ITEM.name, "")
    }

    pub(crate) fn check_as(&self, operation: &'static str, prefix: &str) -> Result<(), Error> {
        let field = |name: &str| -> String { format!("{prefix}{name}") };
        if let Some(name) = &self.name {
            validate::name(operation, field("name"), name)?;
        }
        validate::object(operation, field("input"), Some(&self.input))?;
        validate::object(
            operation,
            field("expectedOutput"),
            self.expected_output.as_ref(),
        )?;
        validate::object(operation, field("metadata"), self.metadata.as_ref())
    }
}

/// The changes of `update_prompt_dataset_item`. Unset fields are left out, so they keep
/// their value.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UpdatePromptDatasetItem {
    /// A new name (1 to 255 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new input (a JSON object).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<Value>,
    /// A new expected output (a JSON object).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_output: Option<Value>,
    /// New user feedback.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_feedback: Option<String>,
    /// New system feedback.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_feedback: Option<String>,
    /// New labels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    /// New metadata (a JSON object).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

impl UpdatePromptDatasetItem {
    /// No changes yet.
    pub fn new() -> Self {
        Self::default()
    }
    mutagent_core::setters! {
        /// Sets the name.
        into name: String;
        /// Sets the input (a JSON object).
        value input: Value;
        /// Sets the expected output (a JSON object).
        value expected_output: Value;
        /// Sets the user feedback.
        into user_feedback: String;
        /// Sets the system feedback.
        into system_feedback: String;
        /// Sets the labels.
        list labels: String;
        /// Sets the metadata (a JSON object).
        value metadata: Value;
    }

    /// Sets the input from your own type; the error, an [`Error::InvalidInput`] of
    /// `update_prompt_dataset_item` naming `input`, is that of
    /// [`NewDatasetItem::from_input`].
    pub fn input_from<T: Serialize + ?Sized>(mut self, input: &T) -> Result<Self, Error> {
        self.input = Some(json_object(
            crate::operations::UPDATE_PROMPT_DATASET_ITEM.name,
            "input",
            input,
        )?);
        Ok(self)
    }

    /// Sets the expected output from your own type; see [`input_from`](Self::input_from).
    pub fn expected_output_from<T: Serialize + ?Sized>(
        mut self,
        output: &T,
    ) -> Result<Self, Error> {
        self.expected_output = Some(json_object(
            crate::operations::UPDATE_PROMPT_DATASET_ITEM.name,
            "expectedOutput",
            output,
        )?);
        Ok(self)
    }

    pub(crate) fn check(&self, operation: &'static str) -> Result<(), Error> {
        validate::optional_name(operation, "name", self.name.as_deref())?;
        validate::object(operation, "input", self.input.as_ref())?;
        validate::object(operation, "expectedOutput", self.expected_output.as_ref())?;
        validate::object(operation, "metadata", self.metadata.as_ref())
    }
}

/// `value` as a JSON object, for the `field` of `operation`, which the contract types
/// `object`: a value that serialises to anything else is refused here, with the message
/// `check` would give, rather than later when the body is sent.
fn json_object<T: Serialize + ?Sized>(
    operation: &'static str,
    field: &'static str,
    value: &T,
) -> Result<Value, Error> {
    let value = serde_json::to_value(value).map_err(|err| {
        Error::invalid_input(
            operation,
            field,
            format!("could not be serialised to JSON: {err}"),
        )
    })?;
    validate::object(operation, field, Some(&value))?;
    Ok(value)
}

/// The body of `bulk_create_prompt_dataset_items`: `{"items": [...]}`.
#[derive(Serialize)]
pub(crate) struct BulkItems<'a> {
    pub(crate) items: &'a [NewDatasetItem],
}
