//! The operations of the `prompt` namespace, for the async and the blocking client alike.

use mutagent_core::ids::PromptId;
use mutagent_core::models::SuccessResponse;
use mutagent_core::request::validate;
use mutagent_core::{ApiClient, ApiRequest, Error, QueryParams};
use serde::Serialize;
use serde_json::Value;

use crate::models::{
    CreatePrompt, CreatePromptVersion, ListPrompts, Prompt, PromptContent, PromptList, UpdatePrompt,
};
use crate::operations as op;

mutagent_core::namespace! {
    /// The `prompt` namespace: prompts and their versions.
    ///
    /// Get it with `client.prompt()` (from [`PromptExt`](crate::PromptExt)). With the async
    /// [`Client`](mutagent_core::Client) each method returns a future; with the
    /// [`BlockingClient`](mutagent_core::BlockingClient) it returns the result directly.
    pub struct PromptApi;
    /// Adds `.prompt()` to both clients.
    pub trait PromptExt {
        /// The `prompt` namespace.
        fn prompt;
    }
}

impl<'a, C: ApiClient> PromptApi<'a, C> {
    /// `GET /api/prompt/`: one page of prompts.
    ///
    /// ```no_run
    /// use mutagent_prompt::{ListPrompts, PromptExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let page = client
    ///     .prompt()
    ///     .list_prompts(&ListPrompts::new().name("greeter").is_latest(true).limit(20))
    ///     .await?;
    /// println!("{} of {} prompts", page.data.len(), page.total);
    /// # Ok(()) }
    /// ```
    pub fn list_prompts(&self, params: &ListPrompts) -> C::Response<PromptList> {
        self.client.call(list_request(params))
    }

    /// Every prompt matching `params`, page after page (`limit` sets the page size).
    ///
    /// ```no_run
    /// use mutagent_prompt::{ListPrompts, PromptExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let every = client
    ///     .prompt()
    ///     .list_prompts_all(&ListPrompts::new().limit(100))
    ///     .try_collect()
    ///     .await?;
    /// println!("{} prompts", every.len());
    /// # Ok(()) }
    /// ```
    pub fn list_prompts_all(&self, params: &ListPrompts) -> C::Items<Prompt> {
        self.client.paginate::<PromptList>(list_request(params))
    }

    /// `POST /api/prompt/`: creates a prompt.
    ///
    /// ```no_run
    /// use mutagent_prompt::{CreatePrompt, PromptContent, PromptExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let prompt = client
    ///     .prompt()
    ///     .create_prompt(
    ///         &CreatePrompt::new(
    ///             "greeter",
    ///             PromptContent::chat("You are friendly.", "Greet {name}."),
    ///             serde_json::json!({"type": "object", "properties": {"name": {"type": "string"}}}),
    ///         )
    ///         .description("Says hello"),
    ///     )
    ///     .await?;
    /// println!("prompt {} version {}", prompt.id, prompt.version);
    /// # Ok(()) }
    /// ```
    pub fn create_prompt(&self, body: &CreatePrompt) -> C::Response<Prompt> {
        let request = op::CREATE_PROMPT
            .request()
            .validate(|operation| validate::name(operation, "name", &body.name))
            .validate(|operation| check_content(operation, &body.content))
            .validate(|operation| check_input_schema(operation, &body.input_schema))
            .json(body)
            .build();
        self.client.call(request)
    }

    /// `GET /api/prompt/tags`: every tag in use.
    ///
    /// ```no_run
    /// use mutagent_prompt::{PromptExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let tags = client.prompt().list_prompt_tags().await?;
    /// println!("{}", tags.join(", "));
    /// # Ok(()) }
    /// ```
    pub fn list_prompt_tags(&self) -> C::Response<Vec<String>> {
        self.client.call(op::LIST_PROMPT_TAGS.request().build())
    }

    /// `GET /api/prompt/{id}`: one prompt version.
    ///
    /// ```no_run
    /// use mutagent_prompt::{PromptExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let prompt = client.prompt().get_prompt(7).await?;
    /// println!("{} {} (latest: {})", prompt.name, prompt.version, prompt.is_latest);
    /// # Ok(()) }
    /// ```
    pub fn get_prompt(&self, id: impl Into<PromptId>) -> C::Response<Prompt> {
        self.client.call(op::GET_PROMPT.request(id.into()).build())
    }

    /// `PATCH /api/prompt/{id}`: changes a prompt version in place.
    ///
    /// ```no_run
    /// use mutagent_prompt::{PromptExt, UpdatePrompt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let prompt = client
    ///     .prompt()
    ///     .update_prompt(7, &UpdatePrompt::new().description("Greets by name").is_latest(true))
    ///     .await?;
    /// println!("{}", prompt.version);
    /// # Ok(()) }
    /// ```
    pub fn update_prompt(
        &self,
        id: impl Into<PromptId>,
        body: &UpdatePrompt,
    ) -> C::Response<Prompt> {
        let request = op::UPDATE_PROMPT
            .request(id.into())
            .validate(|operation| validate::optional_name(operation, "name", body.name.as_deref()))
            .json(body)
            .build();
        self.client.call(request)
    }

    /// `DELETE /api/prompt/{id}`: deletes a prompt version. `force` is `bool?` in the
    /// contract (its effect is not documented): `true` and `false` are sent as `force=true` and
    /// `force=false`, `None` leaves it out.
    ///
    /// ```no_run
    /// use mutagent_prompt::{PromptExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// // `None` leaves `force` out; `Some(true)` / `true` sends `force=true`.
    /// client.prompt().delete_prompt(7, None).await?;
    /// # Ok(()) }
    /// ```
    pub fn delete_prompt(
        &self,
        id: impl Into<PromptId>,
        force: impl Into<Option<bool>>,
    ) -> C::Response<SuccessResponse> {
        let request = op::DELETE_PROMPT
            .request(id.into())
            .query_params(&DeleteQuery {
                force: force.into(),
            })
            .build();
        self.client.call(request)
    }

    /// `GET /api/prompt/{id}/versions`: the versions of the prompt's group (shape not
    /// documented, so returned as JSON).
    ///
    /// ```no_run
    /// use mutagent_prompt::{PromptExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let versions = client.prompt().list_prompt_versions(7).await?;
    /// println!("{versions}"); // JSON: the shape is not documented
    /// # Ok(()) }
    /// ```
    pub fn list_prompt_versions(&self, id: impl Into<PromptId>) -> C::Response<Value> {
        self.client
            .call(op::LIST_PROMPT_VERSIONS.request(id.into()).build())
    }

    /// `POST /api/prompt/{id}/versions`: a new version based on prompt `id`.
    ///
    /// ```no_run
    /// use mutagent_prompt::{CreatePromptVersion, PromptContent, PromptExt, UpdatePrompt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let next = client
    ///     .prompt()
    ///     .create_prompt_version(
    ///         7,
    ///         &CreatePromptVersion::new("1.1.0")
    ///             .changes(UpdatePrompt::new().content(PromptContent::raw("Hi {name}!"))),
    ///     )
    ///     .await?;
    /// println!("version {} is latest: {}", next.version, next.is_latest);
    /// # Ok(()) }
    /// ```
    pub fn create_prompt_version(
        &self,
        id: impl Into<PromptId>,
        body: &CreatePromptVersion,
    ) -> C::Response<Prompt> {
        let changes = body.changes.as_ref();
        let request = op::CREATE_PROMPT_VERSION
            .request(id.into())
            .validate(|operation| check_version(operation, &body.new_version))
            .validate(|operation| {
                validate::optional_name(
                    operation,
                    "changes.name",
                    changes.and_then(|c| c.name.as_deref()),
                )
            })
            .json(body)
            .build();
        self.client.call(request)
    }

    /// `GET /api/prompt/{id}/analytics` (shape not documented, so returned as JSON).
    ///
    /// ```no_run
    /// use mutagent_prompt::{PromptExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let analytics = client.prompt().get_prompt_analytics(7).await?;
    /// println!("{analytics}"); // JSON: the shape is not documented
    /// # Ok(()) }
    /// ```
    pub fn get_prompt_analytics(&self, id: impl Into<PromptId>) -> C::Response<Value> {
        self.client
            .call(op::GET_PROMPT_ANALYTICS.request(id.into()).build())
    }

    /// `GET /api/prompt/{id}/model-comparisons` (shape not documented, so returned as JSON).
    ///
    /// ```no_run
    /// use mutagent_prompt::{PromptExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let comparisons = client.prompt().get_prompt_model_comparisons(7).await?;
    /// println!("{comparisons}"); // JSON: the shape is not documented
    /// # Ok(()) }
    /// ```
    pub fn get_prompt_model_comparisons(&self, id: impl Into<PromptId>) -> C::Response<Value> {
        self.client
            .call(op::GET_PROMPT_MODEL_COMPARISONS.request(id.into()).build())
    }
}

/// The query of a delete: `force` as given (`true` or `false`), or nothing for `None`.
#[derive(Serialize)]
struct DeleteQuery {
    force: Option<bool>,
}

impl QueryParams for DeleteQuery {}

fn list_request(params: &ListPrompts) -> Result<ApiRequest, Error> {
    op::LIST_PROMPTS.request().query_params(params).build()
}

/// A content form must not be empty.
fn check_content(operation: &'static str, content: &PromptContent) -> Result<(), Error> {
    match content {
        PromptContent::Raw(text) => validate::non_empty(operation, "rawPrompt", text),
        PromptContent::Chat { system, human } => {
            validate::non_empty(operation, "systemPrompt", system)?;
            validate::non_empty(operation, "humanPrompt", human)
        }
        PromptContent::Messages(messages) if messages.is_empty() => {
            validate::non_empty(operation, "messages", "")
        }
        _ => Ok(()),
    }
}

/// The contract requires `inputSchema` on create and describes it as a JSON Schema object; it
/// may be null. Anything else (a string, a number, an array) is a mistake worth catching here.
fn check_input_schema(operation: &'static str, schema: &serde_json::Value) -> Result<(), Error> {
    let kind = match schema {
        serde_json::Value::Object(_) | serde_json::Value::Null => return Ok(()),
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
    };
    Err(Error::invalid_input(
        operation,
        "inputSchema",
        format!(
            "must be a JSON Schema object such as {{\"type\": \"object\"}} (or null), not {kind}"
        ),
    ))
}

/// `newVersion` must look like `MAJOR.MINOR.PATCH`, optionally with a `-pre` or `+build` tail.
fn check_version(operation: &'static str, version: &str) -> Result<(), Error> {
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = |part: &&str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if parts.len() == 3 && parts.iter().all(numeric) {
        Ok(())
    } else {
        Err(Error::invalid_input(
            operation,
            "newVersion",
            format!("must look like MAJOR.MINOR.PATCH, e.g. 1.1.0 (got `{version}`)"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_checked() {
        for good in ["1.0.0", "10.20.30", "1.1.0-beta.1", "2.0.0+build5"] {
            assert!(check_version("op", good).is_ok(), "{good}");
        }
        for bad in ["", "1", "1.0", "v1.0.0", "1.0.x", "1..0"] {
            assert!(check_version("op", bad).is_err(), "{bad}");
        }
    }
}
