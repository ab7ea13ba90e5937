//! End-to-end tests: the SDK against the emulator, async and blocking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not published: tooling and tests may panic

mod experiments;
mod first_hour;
mod https_proxy;
mod optimization;
mod organizations;
mod prompt;
mod prompt_dataset_items;
mod prompt_datasets;
mod prompt_evaluations;
mod reliability;
mod response_meta;
mod secondary_0_1_2;
mod traces;
mod traces_v0_4;
mod workspaces;

// The administration namespaces (issue #14 part A).
mod administration;
