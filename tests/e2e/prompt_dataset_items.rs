//! End-to-end tests of the `prompt_dataset_items` namespace against the emulator.
