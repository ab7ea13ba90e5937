//! End-to-end tests of the `traces` namespace against the emulator.
