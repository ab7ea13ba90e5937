//! support-bot's `#[tracing::instrument]` spans arrive in the emulator with their GenAI fields
//! mapped, in each of the three protocols, read back through the API (with the reader of
//! mutagent-opentelemetry's own tests, which checks the same agent made with the SDK's API).

use support_bot::{answer, subscriber, tracer_provider};

#[path = "../../../crates/mutagent-opentelemetry/tests/support/stored.rs"]
mod stored;
use stored::{by_name, check_common, client, emulator, per_protocol, stored, Resource};

/// The names `stored.rs` reads the emulator with, from the umbrella crate.
mod sdk {
    pub(crate) use mutagent::opentelemetry::Protocol;
    pub(crate) use mutagent::traces::{self, TracesExt};
    pub(crate) use mutagent::Client;
    pub(crate) use mutagent_emulator::{Emulator, TracesContract};
}
use sdk::Protocol;

const RESOURCE: Resource = Resource {
    service: "support-bot",
    environment: "staging",
};

async fn arrives_with_genai_fields(protocol: Protocol) {
    let emu = emulator(protocol).await;
    let client = client(&emu);
    let provider = tracer_provider(&client, protocol, RESOURCE.service, RESOURCE.environment)
        .expect("exporter");
    {
        // This thread only (a test runs on a current-thread runtime).
        let _guard = tracing::subscriber::set_default(subscriber(&provider));
        let reply = answer("user-42", "Capital of France?").await;
        assert_eq!(reply, "Paris.");
    }
    provider.shutdown().expect("shutdown delivers");

    let (trace, spans) = stored(&client, protocol).await;
    check_common(protocol, &RESOURCE, &trace, &spans);
    let chat = &by_name(&spans, "chat gpt-4o").fields;
    // The prompt and completion events became input and output.
    assert_eq!(chat["input"], "Capital of France?", "{chat}");
    assert_eq!(chat["output"], "Paris.", "{chat}");
    assert_eq!(
        chat["attributes"]["gen_ai.response.model"], "gpt-4o-2024-08-06",
        "{chat}"
    );
}

per_protocol!(arrives_with_genai_fields:
    instrumented_spans_arrive_through_the_0_1_2_batch,
    instrumented_spans_arrive_through_otlp,
    instrumented_spans_arrive_through_the_0_4_1_hook_format,
);
