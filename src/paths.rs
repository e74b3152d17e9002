//! Where posdesk keeps its store and reads its configuration.

use directories::ProjectDirs;
use std::path::PathBuf;

fn dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "posdesk")
}

/// The default store: `posdesk.db` in the platform data directory
/// (`~/.local/share/posdesk` on Linux).
pub fn default_store() -> PathBuf {
    dirs()
        .map(|d| d.data_dir().join("posdesk.db"))
        .unwrap_or_else(|| PathBuf::from("posdesk.db"))
}

/// `~/.config/posdesk` on Linux: policy.toml and bins.toml overrides live here.
/// `POSDESK_CONFIG_DIR` points elsewhere (tests, several counters on one machine).
pub fn config_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("POSDESK_CONFIG_DIR") {
        return Some(PathBuf::from(dir));
    }
    dirs().map(|d| d.config_dir().to_path_buf())
}
