//! The verification checklist: every item must pass before an application is
//! verified, so the face check can never stand alone.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChecklistItem {
    IdDocument,
    IdPhotos,
    FaceCheck,
    Capacity,
    PhoneCode,
    CardOwnName,
    Terms,
}

impl ChecklistItem {
    pub const ALL: [ChecklistItem; 7] = [
        ChecklistItem::IdDocument,
        ChecklistItem::IdPhotos,
        ChecklistItem::FaceCheck,
        ChecklistItem::Capacity,
        ChecklistItem::PhoneCode,
        ChecklistItem::CardOwnName,
        ChecklistItem::Terms,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChecklistItem::IdDocument => "id_document",
            ChecklistItem::IdPhotos => "id_photos",
            ChecklistItem::FaceCheck => "face_check",
            ChecklistItem::Capacity => "capacity",
            ChecklistItem::PhoneCode => "phone_code",
            ChecklistItem::CardOwnName => "card_own_name",
            ChecklistItem::Terms => "terms",
        }
    }

    pub fn parse(text: &str) -> Option<ChecklistItem> {
        Self::ALL
            .into_iter()
            .find(|i| i.as_str() == text.trim().replace('-', "_"))
    }

    pub fn label(self) -> &'static str {
        match self {
            ChecklistItem::IdDocument => "ID card checked (18 digits, not expired)",
            ChecklistItem::IdPhotos => "ID photos recorded",
            ChecklistItem::FaceCheck => "Face check passed",
            ChecklistItem::Capacity => "Age and capacity",
            ChecklistItem::PhoneCode => "Phone confirmed by one-time code",
            ChecklistItem::CardOwnName => "Bank card in the applicant's own name",
            ChecklistItem::Terms => "Terms agreed",
        }
    }
}

/// Who may do what; `desk/` asks before every use case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Clerk,
    Supervisor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Supervisor => "supervisor",
        }
    }
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "clerk" => Some(Role::Clerk),
            "supervisor" => Some(Role::Supervisor),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_round_trip() {
        for i in ChecklistItem::ALL {
            assert_eq!(ChecklistItem::parse(i.as_str()), Some(i));
        }
        assert_eq!(
            ChecklistItem::parse("face-check"),
            Some(ChecklistItem::FaceCheck)
        );
        assert_eq!(ChecklistItem::parse("selfie"), None);
    }
}
