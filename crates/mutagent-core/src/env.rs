//! Where configuration falls back to when a value is not set explicitly.
//!
//! The client never reads `std::env` directly: it asks an [`EnvSource`]. Production code uses
//! [`ProcessEnv`]; tests hand in a map, so no test ever mutates the process environment.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// Environment variable holding the API key.
pub const ENV_API_KEY: &str = "MUTAGENT_API_KEY";
/// The bearer token, used when no API key is configured (the name the TypeScript SDK reads).
pub const ENV_BEARER_AUTH: &str = "MUTAGENT_BEARER_AUTH";
/// Environment variable holding the server URL.
pub const ENV_SERVER_URL: &str = "MUTAGENT_SERVER_URL";
/// Environment variable holding the workspace id sent as `x-workspace-id`.
pub const ENV_WORKSPACE_ID: &str = "MUTAGENT_WORKSPACE_ID";
/// Environment variable holding the organization id sent as `x-organization-id`.
pub const ENV_ORGANIZATION_ID: &str = "MUTAGENT_ORGANIZATION_ID";

/// A source of environment-style settings.
///
/// An empty value counts as unset, as it does for most command-line tools.
pub trait EnvSource: Send + Sync {
    /// The value of `name`, if set.
    fn get(&self, name: &str) -> Option<String>;
}

/// The process environment (`std::env::var`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl EnvSource for ProcessEnv {
    fn get(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

/// An environment with nothing set: only explicit values and defaults apply.
#[derive(Debug, Clone, Copy, Default)]
pub struct EmptyEnv;

impl EnvSource for EmptyEnv {
    fn get(&self, _name: &str) -> Option<String> {
        None
    }
}

impl EnvSource for HashMap<String, String> {
    fn get(&self, name: &str) -> Option<String> {
        HashMap::get(self, name).cloned()
    }
}

impl EnvSource for BTreeMap<String, String> {
    fn get(&self, name: &str) -> Option<String> {
        BTreeMap::get(self, name).cloned()
    }
}

impl<const N: usize> EnvSource for [(&'static str, &'static str); N] {
    fn get(&self, name: &str) -> Option<String> {
        self.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| (*value).to_owned())
    }
}

/// Reads `name` from `env`, treating an empty or blank value as unset.
pub(crate) fn non_empty(env: &dyn EnvSource, name: &str) -> Option<String> {
    env.get(name).filter(|value| !value.trim().is_empty())
}

pub(crate) struct DebugEnv<'a>(pub(crate) &'a dyn EnvSource);

impl fmt::Debug for DebugEnv<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print values: an environment can hold the API key.
        let _ = self.0;
        f.write_str("EnvSource")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every source answers a name it holds with its value and any other with `None`. The
    /// process environment is only read: `PATH` is set for every test run, the other name never.
    #[test]
    fn each_source_reads_what_it_holds() {
        let hash: HashMap<String, String> = [("A".to_owned(), "1".to_owned())].into();
        let tree: BTreeMap<String, String> = [("A".to_owned(), "1".to_owned())].into();
        let pairs = [("B", "2"), ("A", "1")];
        let sources: [&dyn EnvSource; 3] = [&hash, &tree, &pairs];
        for source in sources {
            assert_eq!(source.get("A").as_deref(), Some("1"));
            assert_eq!(source.get("C"), None);
        }
        assert_eq!(pairs.get("B").as_deref(), Some("2"));
        assert_eq!(EmptyEnv.get("PATH"), None);

        let path = ProcessEnv.get("PATH");
        assert!(
            path.as_deref().is_some_and(|path| !path.is_empty()),
            "{path:?}"
        );
        assert_eq!(path, std::env::var("PATH").ok());
        assert_eq!(ProcessEnv.get("MUTAGENT_TEST_NEVER_SET_ANYWHERE"), None);
    }

    #[test]
    fn blank_values_count_as_unset() {
        let env = [("EMPTY", ""), ("BLANK", " \t"), ("SET", " x ")];
        assert_eq!(non_empty(&env, "EMPTY"), None);
        assert_eq!(non_empty(&env, "BLANK"), None);
        assert_eq!(non_empty(&env, "UNSET"), None);
        assert_eq!(non_empty(&env, "SET").as_deref(), Some(" x "));
    }

    #[test]
    fn debug_names_the_source_but_never_a_value() {
        let env = [(ENV_API_KEY, "sk-secret")];
        assert_eq!(format!("{:?}", DebugEnv(&env)), "EnvSource");
    }
}
