use super::Strings;

pub static EN: Strings = Strings {
    language_name: "English",
    language_switcher_label: "Language",
    skip_to_content: "Skip to content",
    product_name: "Lobby",
    page_title_home: "{org} · Lobby",
    home_heading: "Welcome to {org}",
    home_intro: "Lobby is where {org} welcomes its customers: accept an invitation, sign in the way that suits you, and set up your company in a few minutes.",
    home_invited_heading: "Have you been invited?",
    home_invited_text: "Open the link in the invitation email you received. It brings you straight to your invitation.",
    home_steps_label: "How it works",
    home_step_sign_in: "Sign in with your work account, Google, Microsoft or an emailed code.",
    home_step_consent: "Read and accept the privacy statement and terms of use.",
    home_step_company: "Check the company details we prepared for you.",
    home_step_welcome: "Start working with {org}.",
    not_found_title: "Page not found",
    not_found_text: "There is no page at this address. Check the link, or start again from the home page.",
    not_found_home_link: "Go to the home page",
    footer_text: "{org} · powered by {product}",
};
