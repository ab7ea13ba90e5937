//! Typed ids. Each resource has its own id type, so a dataset id can never be passed where a
//! prompt id is expected. Integer ids convert from `i64`, `i32`, `u32` and a borrowed id
//! (`get_prompt(7)`, `get_prompt(&prompt.id)`) and compare with an `i64`
//! (`assert_eq!(prompt.id, 7)`); string ids convert from `&str`, `String`, `&String` and a
//! borrowed id, and compare with `str`, `&str` and `String` (`assert_eq!(job.id, "job_1")`).

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

    /// What a method taking `impl Into<PromptId>` or `impl Into<JobId>` accepts.
    fn prompt_id(id: impl Into<PromptId>) -> PromptId {
        id.into()
    }

    fn job_id(id: impl Into<JobId>) -> JobId {
        id.into()
    }

    #[test]
    #[allow(clippy::needless_borrows_for_generic_args)] // `&prompt` is what is tested
    fn integer_ids_come_from_the_integers_apps_keep_them_in_and_from_a_borrowed_id() {
        assert_eq!(prompt_id(7), PromptId(7));
        assert_eq!(prompt_id(7_i32), PromptId(7));
        assert_eq!(prompt_id(u32::MAX), PromptId(i64::from(u32::MAX)));
        assert_eq!(
            prompt_id(-1_i32),
            PromptId(-1),
            "kept as given: a path refuses it"
        );
        let prompt = PromptId(12);
        assert_eq!(prompt_id(&prompt), prompt);
    }

    #[test]
    fn string_ids_come_from_a_borrowed_string() {
        let from_config = String::from("job_1");
        assert_eq!(job_id(&from_config), JobId::new("job_1"));
        assert_eq!(from_config, "job_1", "the String is only borrowed");
    }

    #[test]
    fn ids_compare_with_plain_numbers_and_text() {
        assert_eq!(PromptId(7), 7);
        assert_ne!(PromptId(7), 8);
        let job = JobId::new("job_1");
        assert_eq!(job, "job_1");
        assert_eq!(job, *"job_1");
        assert_eq!(job, String::from("job_1"));
        assert_ne!(job, "job_2");
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
