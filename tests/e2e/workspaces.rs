//! End-to-end tests of the `workspaces` namespace against the emulator.
