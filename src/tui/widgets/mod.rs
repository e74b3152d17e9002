pub mod chrome;
pub mod dialog;
pub mod field_list;
pub mod lines;
pub mod text_field;
pub mod width;
pub mod wrap;
