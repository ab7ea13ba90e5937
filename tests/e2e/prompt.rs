//! End-to-end tests of the `prompt` namespace against the emulator.
