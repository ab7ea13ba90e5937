//! End-to-end tests of the `organizations` namespace against the emulator.
