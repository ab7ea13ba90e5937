//! End-to-end tests of the secondary namespaces of API 0.1.2 against the emulator: a prompt
//! group's readiness as it gains a dataset and an evaluation — async and blocking.

use mutagent::prelude::*;
use mutagent_e2e::{start, start_blocking};

use crate::prompt_evaluations::{fixture, fixture_with_evaluation_blocking, new_evaluation};

#[tokio::test]
async fn readiness_journey_async() {
    let (_emu, client) = start().await;
    let (prompt, dataset) = fixture(&client).await;
    let readiness = client
        .prompt_readiness()
        .get_prompt_readiness(prompt.prompt_group_id.clone())
        .await
        .expect("readiness");
    assert_eq!(readiness["ready"], false, "{readiness}");
    assert_eq!(readiness["itemCount"], 4, "{readiness}");

    client
        .prompt_evaluations()
        .create_evaluation(&new_evaluation(&prompt, &dataset))
        .await
        .expect("evaluation");
    let readiness = client
        .prompt_readiness()
        .get_prompt_readiness(prompt.prompt_group_id.clone())
        .await
        .expect("readiness");
    assert_eq!(readiness["ready"], true, "{readiness}");
    assert_eq!(readiness["latestPromptId"], prompt.id.get());

    let err = client
        .prompt_readiness()
        .get_prompt_readiness("no such group")
        .await
        .expect_err("unknown group");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err}");
}

#[test]
fn readiness_journey_blocking() {
    let (_emu, client) = start_blocking();
    let (prompt, _, _) = fixture_with_evaluation_blocking(&client);
    let readiness = client
        .prompt_readiness()
        .get_prompt_readiness(prompt.prompt_group_id.as_str())
        .expect("readiness");
    assert_eq!(readiness["ready"], true, "{readiness}");
}
