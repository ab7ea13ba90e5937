//! End-to-end tests of the `prompt_evaluations` namespace against the emulator.
