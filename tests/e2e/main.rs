//! End-to-end tests: the SDK against the emulator, async and blocking.
