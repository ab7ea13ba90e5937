//! C-COMMON-TRAITS (Rust API Guidelines): ids and plain enums are `Eq + Hash` (keys of a
//! `HashMap`/`HashSet`), ids convert back to their number or text, and the public types are
//! `Debug + Clone`. Most checks are compile-time: a lost derive stops this file compiling.

use std::collections::HashSet;
use std::fmt::Debug;
use std::hash::Hash;

fn assert_key<T: Debug + Clone + Eq + Hash>() {}

#[test]
fn ids_and_plain_enums_are_hash_keys() {
    assert_key::<mutagent::ids::PromptId>();
    assert_key::<mutagent::ids::JobId>();
    assert_key::<mutagent::ConnectErrorKind>();
    assert_key::<mutagent::error::EncodingFailure>();
    assert_key::<mutagent::Origin>();
    #[cfg(feature = "prompt")]
    {
        assert_key::<mutagent::prompt::Role>();
        assert_key::<mutagent::prompt::Message>();
        assert_key::<mutagent::prompt::PromptContent>();
    }
    #[cfg(feature = "prompt-datasets")]
    assert_key::<mutagent::prompt_datasets::CloneTarget>();

    let origins: HashSet<mutagent::Origin> = [
        mutagent::Origin::Builder("server_url"),
        mutagent::Origin::Environment("MUTAGENT_SERVER_URL"),
        mutagent::Origin::Builder("server_url"),
    ]
    .into_iter()
    .collect();
    assert_eq!(origins.len(), 2);
}

#[cfg(feature = "prompt")]
#[test]
fn prompt_contents_deduplicate_in_a_set() {
    use mutagent::prompt::PromptContent;
    let contents: HashSet<PromptContent> = [
        PromptContent::raw("Hi {name}"),
        PromptContent::chat("Be kind.", "Hi"),
        PromptContent::raw("Hi {name}"),
    ]
    .into_iter()
    .collect();
    assert_eq!(contents.len(), 2);
}

#[test]
fn ids_convert_back_to_their_number_or_text() {
    let number: i64 = mutagent::ids::PromptId::from(7).into();
    assert_eq!(number, 7);
    let text: String = mutagent::ids::JobId::from("job_1").into();
    assert_eq!(text, "job_1");
}

/// Ids parse from text (a command-line argument, a config value) as `Display` writes them.
#[test]
fn ids_parse_from_their_display_form() {
    use mutagent::ids::{JobId, PromptId};
    let id: PromptId = "42".parse().expect("a number");
    assert_eq!(id, PromptId::from(42));
    assert_eq!(id.to_string().parse::<PromptId>(), Ok(id));
    let err = "forty-two".parse::<PromptId>().expect_err("not a number");
    assert_eq!(err.kind(), &std::num::IntErrorKind::InvalidDigit);
    let job: JobId = "job_1".parse().expect("infallible");
    assert_eq!(job.as_str(), "job_1");
}
