//! The local Connect rules emulator.
