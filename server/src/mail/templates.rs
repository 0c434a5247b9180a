//! The emails Lobby sends, rendered as plain text and HTML in the
//! recipient's language. The HTML is built with [`html!`], so every value
//! (names, the personal message) is escaped; the strings come from
//! `app::i18n`.

use app::fill;
use app::i18n::Locale;
use chrono::{DateTime, Utc};

use super::OutgoingEmail;
use crate::html;

/// What the invitation email says, before rendering.
pub struct InvitationEmail<'a> {
    pub locale: Locale,
    pub to: &'a str,
    pub cc: Option<&'a str>,
    pub invitee_name: Option<&'a str>,
    pub inviter_name: &'a str,
    pub inviter_email: &'a str,
    pub org_name: &'a str,
    /// The portal's name (the organization's unless configured).
    pub product_name: &'a str,
    pub accent_color: &'a str,
    pub message: Option<&'a str>,
    pub redeem_url: &'a str,
    pub expires_at: DateTime<Utc>,
}

pub fn invitation(e: &InvitationEmail<'_>) -> OutgoingEmail {
    let s = e.locale.server_strings();
    let subject = fill!(
        s,
        email_invite_subject,
        inviter = e.inviter_name,
        org = e.org_name
    );
    let greeting = match e.invitee_name {
        Some(name) => fill!(s, email_greeting_named, name = name),
        None => s.email_greeting.to_owned(),
    };
    let invite_line = fill!(
        s,
        email_invite_line,
        inviter = e.inviter_name,
        org = e.org_name,
        product = e.product_name
    );
    let message_label = fill!(s, email_message_label, inviter = e.inviter_name);
    let expiry = fill!(
        s,
        email_expiry,
        date = e.expires_at.format("%Y-%m-%d %H:%M").to_string()
    );
    let contact = fill!(
        s,
        email_contact,
        inviter = e.inviter_name,
        contact = e.inviter_email
    );
    let footer = fill!(s, email_footer, org = e.org_name, email = e.to);

    let mut text = format!("{greeting}\n\n{invite_line}\n\n");
    if let Some(message) = e.message {
        text.push_str(&format!("{message_label}\n{message}\n\n"));
    }
    text.push_str(&format!(
        "{button}: {url}\n\n{fallback}\n{url}\n\n{expiry}\n{contact}\n\n--\n{footer}\n",
        button = s.email_button,
        url = e.redeem_url,
        fallback = s.email_fallback,
    ));

    let message_html = e
        .message
        .map(|m| {
            html!(
                r#"<p style="margin:0 0 6px;color:#5b616e">{label}</p><blockquote style="margin:0 0 20px;padding:12px 16px;border-left:4px solid {accent};background:#f4f5f8;white-space:pre-wrap">{message}</blockquote>"#,
                label = message_label,
                message = m,
                accent = e.accent_color,
            )
        })
        .unwrap_or_default();
    let html = html!(
        r#"<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{subject}</title></head>
<body style="margin:0;padding:0;background:#f4f5f8;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d1f24">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f8"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-top:4px solid {accent};border-radius:8px">
<tr><td style="padding:28px 28px 8px;font-size:18px;font-weight:700">{org}</td></tr>
<tr><td style="padding:8px 28px 28px;font-size:16px;line-height:1.55">
<p style="margin:0 0 16px">{greeting}</p>
<p style="margin:0 0 20px">{invite_line}</p>
{message_html}<p style="margin:0 0 24px"><a href="{url}" style="display:inline-block;padding:12px 22px;background:{accent};color:{on_accent};font-weight:700;text-decoration:none;border-radius:8px">{button}</a></p>
<p style="margin:0 0 6px;font-size:14px;color:#5b616e">{fallback}</p>
<p style="margin:0 0 20px;font-size:14px;word-break:break-all"><a href="{url}" style="color:#1a5fd6">{url}</a></p>
<p style="margin:0 0 6px;font-size:14px;color:#5b616e">{expiry}</p>
<p style="margin:0;font-size:14px;color:#5b616e">{contact}</p>
</td></tr></table>
<p style="max-width:560px;margin:16px auto 0;font-size:12px;color:#5b616e">{footer}</p>
</td></tr></table>
</body></html>
"#,
        lang = e.locale.code(),
        subject = subject,
        accent = e.accent_color,
        on_accent = app::branding::on_accent(e.accent_color),
        org = e.org_name,
        greeting = greeting,
        invite_line = invite_line,
        message_html = message_html,
        url = e.redeem_url,
        button = s.email_button,
        fallback = s.email_fallback,
        expiry = expiry,
        contact = contact,
        footer = footer,
    );

    OutgoingEmail {
        to: e.to.to_owned(),
        cc: e.cc.map(str::to_owned),
        subject,
        text,
        html: Some(html.into_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sample(locale: Locale, message: Option<&'static str>) -> OutgoingEmail {
        invitation(&InvitationEmail {
            locale,
            to: "jiwoo.kim@customer.example",
            cc: Some("boss@customer.example"),
            invitee_name: Some("Jiwoo Kim"),
            inviter_name: "Ada Admin",
            inviter_email: "ada@gfms.example",
            org_name: "GFMS",
            product_name: "GFMS Partner Portal",
            accent_color: "#f26b21",
            message,
            redeem_url: "https://lobby.gfms.example/api/InviteUser?invitationId=9c1f7a0e-1b2c-4d5e-8f90-0123456789ab",
            expires_at: Utc.with_ymd_and_hms(2026, 12, 22, 9, 30, 0).unwrap(),
        })
    }

    /// Compares with `tests/golden/<name>`; `LOBBY_BLESS=1` rewrites the file.
    fn golden(name: &str, actual: &str) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/golden")
            .join(name);
        if std::env::var("LOBBY_BLESS").is_ok_and(|v| v == "1") {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, actual).unwrap();
        }
        let expected = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("missing {}: run with LOBBY_BLESS=1", path.display()));
        assert_eq!(actual, expected, "{name} differs from its golden file");
    }

    #[test]
    fn invitation_email_in_english_and_korean_matches_the_golden_files() {
        let message = Some("Welcome aboard!\nWe look forward to working with you.");
        for (locale, tag) in [(Locale::En, "en"), (Locale::Ko, "ko")] {
            let mail = sample(locale, message);
            golden(&format!("invitation.{tag}.subject.txt"), &mail.subject);
            golden(&format!("invitation.{tag}.txt"), &mail.text);
            golden(
                &format!("invitation.{tag}.html"),
                mail.html.as_deref().unwrap(),
            );
        }
        assert_eq!(
            sample(Locale::En, None).subject,
            "Ada Admin invited you to GFMS"
        );
        assert_eq!(
            sample(Locale::Ko, None).subject,
            "Ada Admin님이 GFMS에 초대했습니다"
        );
    }

    #[test]
    fn the_personal_message_arrives_as_text_not_markup() {
        let mail = sample(
            Locale::En,
            Some("<script>alert(1)</script> and </a><a href=\"https://evil.example\">click</a>"),
        );
        let html = mail.html.unwrap();
        assert!(!html.contains("<script>") && !html.contains("evil.example\">"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; and &lt;/a&gt;&lt;a href=&quot;https://evil.example&quot;&gt;click&lt;/a&gt;"));
        assert!(
            mail.text.contains("<script>alert(1)</script> and </a>"),
            "plain text keeps the words as written"
        );
    }

    #[test]
    fn the_email_carries_the_button_and_the_fallback_address() {
        let mail = sample(Locale::En, None);
        let url = "https://lobby.gfms.example/api/InviteUser?invitationId=9c1f7a0e-1b2c-4d5e-8f90-0123456789ab";
        assert!(mail.text.contains("Hello Jiwoo Kim,"));
        assert!(mail.text.contains(
            "Ada Admin from GFMS has invited you to use GFMS Partner Portal to collaborate with them."
        ));
        assert_eq!(mail.text.matches(url).count(), 2);
        let html = mail.html.unwrap();
        assert!(html.contains(&format!(r#"<a href="{url}" style="display:inline-block"#)));
        assert!(html.contains(">Get started now</a>"));
        assert!(html.contains("If you&#39;re having trouble with the button above, open this address in your browser:"));
        assert_eq!(mail.cc.as_deref(), Some("boss@customer.example"));
    }
}
