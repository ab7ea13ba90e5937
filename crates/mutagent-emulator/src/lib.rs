//! Placeholder; see lib.rs docs.
