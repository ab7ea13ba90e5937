//! End-to-end tests of the `experiments` namespace against the emulator.
