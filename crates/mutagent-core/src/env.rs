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
