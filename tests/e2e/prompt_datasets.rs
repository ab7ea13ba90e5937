//! End-to-end tests of the `prompt_datasets` namespace against the emulator.
