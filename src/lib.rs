//! posdesk: the counter desk for POS terminals. See design.md for the layers:
//! `domain` (pure rules) → `store` (SQL) → `desk` (use cases) → `cli` / `tui`.

pub mod cli;
pub mod desk;
pub mod domain;
pub mod paths;
pub mod store;
