//! Realistic bodies: `list_prompts` pages of any size.

use serde_json::{json, Value};

/// One prompt as the API returns it, with every documented field filled in plus one field
/// the SDK does not know (it must skip it).
pub fn prompt(index: usize) -> Value {
    json!({
        "id": 1000 + index,
        "promptGroupId": format!("3f0c1a52-7b9e-4c1d-9a0e-{:012x}", index),
        "name": format!("support-triage-{index}"),
        "description": "Classifies an incoming support ticket and drafts a first answer.",
        "version": format!("1.{}.0", index % 7),
        "isLatest": index % 3 == 0,
        "systemPrompt": "You are a careful support engineer. Classify the ticket into one of \
            billing, bug, feature-request or other, then draft a short, friendly answer.",
        "humanPrompt": "Ticket from {customer} ({plan} plan):\n\n{ticket}",
        "rawPrompt": null,
        "inputSchema": {
            "type": "object",
            "properties": {
                "customer": {"type": "string"},
                "plan": {"type": "string", "enum": ["free", "team", "enterprise"]},
                "ticket": {"type": "string", "minLength": 1}
            },
            "required": ["customer", "ticket"]
        },
        "outputSchema": {
            "type": "object",
            "properties": {
                "category": {"type": "string"},
                "answer": {"type": "string"}
            }
        },
        "metadata": {"team": "support", "owner": "ada@example.com", "revision": index},
        "createdAt": "2025-03-14T09:26:53.589Z",
        "updatedAt": "2025-03-15T11:02:07.123Z",
        "createdBy": "ada@example.com",
        "tags": ["support", "triage", "production"],
        "_count": {"evaluations": 3, "datasets": 2},
        "workspaceId": "ws_7d1f0c"
    })
}

/// A page of `count` prompts (`{data, total, limit, offset, hasNext, hasPrevious}`) as JSON.
pub fn prompt_page(count: usize) -> Vec<u8> {
    let page = json!({
        "data": (0..count).map(prompt).collect::<Vec<_>>(),
        "total": count * 5,
        "limit": count,
        "offset": 0,
        "hasNext": true,
        "hasPrevious": false
    });
    page.to_string().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mutagent_prompt::PromptList;

    #[test]
    fn pages_decode_into_the_sdk_types() {
        let body = prompt_page(20);
        let page: PromptList = serde_json::from_slice(&body).unwrap_or_else(|err| {
            panic!("fixture does not decode: {err}");
        });
        assert_eq!(page.data.len(), 20);
        assert_eq!(page.total, 100);
        assert_eq!(page.data[3].tags.as_deref().map(<[String]>::len), Some(3));
        assert!(page.data[0].counts.is_some());
    }
}
