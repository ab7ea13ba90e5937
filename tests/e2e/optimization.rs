//! End-to-end tests of the `optimization` namespace against the emulator.
