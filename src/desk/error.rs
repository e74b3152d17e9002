use crate::domain::problem::Problem;

/// A refusal is the normal "no" of a rule, said to the clerk; anything else is
/// a fault of the machine or the store.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error("{0}")]
    Refused(Problem),
    #[error("{0:#}")]
    Internal(#[from] anyhow::Error),
}

pub type DeskResult<T> = Result<T, DeskError>;

impl From<Problem> for DeskError {
    fn from(p: Problem) -> Self {
        DeskError::Refused(p)
    }
}

impl From<rusqlite::Error> for DeskError {
    fn from(e: rusqlite::Error) -> Self {
        from_sqlite(e)
    }
}

impl DeskError {
    pub fn code(&self) -> &'static str {
        match self {
            DeskError::Refused(p) => p.code,
            DeskError::Internal(_) => "internal",
        }
    }

    pub fn refusal(&self) -> Option<&Problem> {
        match self {
            DeskError::Refused(p) => Some(p),
            DeskError::Internal(_) => None,
        }
    }
}

pub(crate) fn from_sqlite(e: rusqlite::Error) -> DeskError {
    if let rusqlite::Error::SqliteFailure(f, _) = &e {
        if matches!(
            f.code,
            rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
        ) {
            return DeskError::Refused(Problem::new(
                "store.busy",
                "The store is busy with another counter; try again in a moment.",
            ));
        }
    }
    DeskError::Internal(e.into())
}

/// Why a file could not be read or written, as the key of words a screen
/// says it in (`io.not_found`…); the system's own words go in the English
/// message.
pub fn io_reason_key(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "io.not_found",
        K::PermissionDenied | K::ReadOnlyFilesystem => "io.permission_denied",
        K::AlreadyExists => "io.already_exists",
        K::StorageFull | K::QuotaExceeded => "io.storage_full",
        K::IsADirectory => "io.is_a_directory",
        _ => "io.other",
    }
}

pub(crate) fn refuse<T>(code: &'static str, message: impl Into<String>) -> DeskResult<T> {
    Err(DeskError::Refused(Problem::new(code, message)))
}
