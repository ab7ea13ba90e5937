//! Typed ids. Each resource has its own id type, so a dataset id can never be passed where a
//! prompt id is expected. Integer ids convert from `i64` (`get_prompt(7)` works); string ids
//! from `&str` and `String`.

crate::int_id! {
    /// The id of one prompt version.
    pub struct PromptId;
}
crate::int_id! {
    /// The id of a dataset.
    pub struct DatasetId;
}
crate::int_id! {
    /// The id of a dataset item.
    pub struct DatasetItemId;
}
crate::int_id! {
    /// The id of an evaluation.
    pub struct EvaluationId;
}
crate::string_id! {
    /// The id shared by every version of a prompt (a UUID).
    pub struct PromptGroupId;
}
crate::string_id! {
    /// The id of an optimization job.
    pub struct JobId;
}
crate::string_id! {
    /// The id of an experiment.
    pub struct ExperimentId;
}
crate::string_id! {
    /// The id of a trace (chosen by the client that ingests it).
    pub struct TraceId;
}
crate::string_id! {
    /// The id of an organization.
    pub struct OrganizationId;
}
crate::string_id! {
    /// The id of a workspace.
    pub struct WorkspaceId;
}
crate::string_id! {
    /// The id of a user (a member of organizations and workspaces).
    pub struct UserId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_transparent_on_the_wire() {
        assert_eq!(serde_json::to_string(&PromptId(7)).expect("int"), "7");
        assert_eq!(
            serde_json::to_string(&JobId::new("j1")).expect("str"),
            "\"j1\""
        );
        let id: DatasetId = serde_json::from_str("12").expect("int");
        assert_eq!(id, DatasetId::from(12));
        assert_eq!(id.to_string(), "12");
    }

    #[test]
    fn ids_convert_back_to_their_number_or_text() {
        let number: i64 = PromptId::from(7).into();
        assert_eq!(number, 7);
        let text: String = JobId::from("job_1").into();
        assert_eq!(text, "job_1");
        assert_eq!(WorkspaceId::new("ws").into_string(), "ws");
    }
}
