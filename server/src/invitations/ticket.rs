//! The redeem ticket: a secret distinct from the invitation's public id, 128
//! bits from the operating system's CSPRNG written in GUID form, kept only
//! as a SHA-256 hash (its entropy makes a slow hash unnecessary).

use sha2::{Digest, Sha256};

use crate::secret::Secret;

#[derive(Debug)]
pub struct InvitationTicket(Secret<String>);

impl InvitationTicket {
    pub fn generate() -> InvitationTicket {
        let guid = uuid::Uuid::from_bytes(rand::random::<[u8; 16]>());
        InvitationTicket(Secret::new(guid.hyphenated().to_string()))
    }

    /// Reads a ticket from a link; any GUID spelling is accepted, nothing else.
    pub fn parse(raw: &str) -> Option<InvitationTicket> {
        let raw = raw.trim().trim_start_matches('{').trim_end_matches('}');
        if raw.len() != 36 {
            return None;
        }
        uuid::Uuid::try_parse(raw)
            .ok()
            .map(|g| InvitationTicket(Secret::new(g.hyphenated().to_string())))
    }

    /// For the link in the invitation email, and nowhere else.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.0.expose().as_bytes()))
    }
}

/// `<public URL>/api/InviteUser?invitationId=<ticket>`, the seed's form.
pub fn redeem_url(public_url: &url::Url, ticket: &InvitationTicket) -> String {
    let mut url = public_url.clone();
    url.set_path("/api/InviteUser");
    url.set_query(Some(&format!("invitationId={}", ticket.expose())));
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_are_fresh_guids_and_only_their_hash_repeats() {
        let a = InvitationTicket::generate();
        let b = InvitationTicket::generate();
        assert_ne!(a.expose(), b.expose());
        assert_eq!(a.expose().len(), 36);
        let again = InvitationTicket::parse(&a.expose().to_uppercase()).unwrap();
        assert_eq!(again.hash(), a.hash(), "case does not matter");
        assert_eq!(a.hash().len(), 64);
        assert!(!a.hash().contains(a.expose()));
        assert!(InvitationTicket::parse("not-a-guid").is_none());
        assert!(InvitationTicket::parse(&format!("{}0", a.expose())).is_none());
    }

    #[test]
    fn the_redeem_url_has_the_seeds_form() {
        let t = InvitationTicket::parse("9C1F7A0E-1B2C-4D5E-8F90-0123456789AB").unwrap();
        let url = redeem_url(&"https://lobby.example.com/".parse().unwrap(), &t);
        assert_eq!(url, "https://lobby.example.com/api/InviteUser?invitationId=9c1f7a0e-1b2c-4d5e-8f90-0123456789ab");
    }
}
