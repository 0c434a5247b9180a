//! Typed models and validation rules shared by the browser and the server.
pub mod bulk;
pub mod company;
pub mod countries;
pub mod discovery;
pub mod domains;
pub mod email;
pub mod invitation;
pub mod journey;
pub mod landing;
pub mod locale;
pub mod operator;
pub mod password;
pub mod providers;
pub mod sign_in;
pub mod terms;
