//! The user's own code: it takes a client and never knows whether a real server or the
//! emulator answers.

use mutagent::ids::PromptId;
use mutagent::prelude::*;
use mutagent::prompt::{CreatePrompt, ListPrompts, PromptContent};
use mutagent::Error;

/// The id of the prompt called `name`, created when there is none yet.
pub async fn ensure_prompt(client: &mutagent::Client, name: &str) -> Result<PromptId, Error> {
    let found = client
        .prompt()
        .list_prompts(&ListPrompts::new().name(name))
        .await?;
    if let Some(prompt) = found.data.into_iter().find(|p| p.name == name) {
        return Ok(prompt.id);
    }
    let created = client.prompt().create_prompt(&greeter(name)).await?;
    Ok(created.id)
}

/// The same with the blocking client.
pub fn ensure_prompt_blocking(
    client: &mutagent::BlockingClient,
    name: &str,
) -> Result<PromptId, Error> {
    let found = client
        .prompt()
        .list_prompts(&ListPrompts::new().name(name))?;
    if let Some(prompt) = found.data.into_iter().find(|p| p.name == name) {
        return Ok(prompt.id);
    }
    Ok(client.prompt().create_prompt(&greeter(name))?.id)
}

fn greeter(name: &str) -> CreatePrompt {
    CreatePrompt::new(
        name,
        PromptContent::chat("You are friendly.", "Greet {name}."),
        serde_json::json!({"type": "object", "properties": {"name": {"type": "string"}}}),
    )
}
