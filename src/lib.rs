//! posdesk: the counter desk for POS terminals. See design.md for the layers:
//! `domain` (pure rules) → `store` (SQL) → `desk` (use cases) → `cli` / `tui`.

pub mod cli;
pub mod config;
pub mod desk;
pub mod domain;
pub mod logging;
pub mod paths;
pub mod store;
pub mod tui;
