use super::Strings;

pub static KO: Strings = Strings {
    language_name: "한국어",
    language_switcher_label: "언어",
    skip_to_content: "본문으로 건너뛰기",
    product_name: "Lobby",
    page_title_home: "{org} · Lobby",
    home_heading: "{org}에 오신 것을 환영합니다",
    home_intro: "Lobby는 {org}이(가) 고객을 맞이하는 곳입니다. 초대를 수락하고, 편한 방법으로 로그인한 뒤, 몇 분 만에 회사 정보를 설정하세요.",
    home_invited_heading: "초대를 받으셨나요?",
    home_invited_text: "받으신 초대 이메일의 링크를 여세요. 링크가 바로 초대 페이지로 안내합니다.",
    home_steps_label: "진행 방법",
    home_step_sign_in: "회사 계정, Google, Microsoft 또는 이메일로 받은 코드로 로그인합니다.",
    home_step_consent: "개인정보처리방침과 이용약관을 읽고 동의합니다.",
    home_step_company: "미리 준비된 회사 정보를 확인합니다.",
    home_step_welcome: "{org}와(과) 함께 시작합니다.",
    not_found_title: "페이지를 찾을 수 없습니다",
    not_found_text: "이 주소에는 페이지가 없습니다. 링크를 확인하거나 홈 페이지에서 다시 시작하세요.",
    not_found_home_link: "홈 페이지로 이동",
    footer_text: "{org} · {product} 제공",
};
