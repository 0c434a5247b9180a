// The invitation API against the running server, and the invitation email as
// the test's own SMTP server receives it, in English and in Korean.
import { test, expect } from '@playwright/test';
import { ADMIN, PRODUCT } from '../playwright.config';
import { bearer } from '../support/api-token';
import { sink } from '../support/smtp-sink';


const languages = [
  {
    lang: 'en',
    subject: `${ADMIN.name} invited you to GFMS`,
    greeting: 'Hello Jiwoo Kim,',
    line: `${ADMIN.name} from GFMS has invited you to use ${PRODUCT} to collaborate with them.`,
    button: 'Get started now',
    fallback: "If you're having trouble with the button above, open this address in your browser:",
  },
  {
    lang: 'ko',
    subject: `${ADMIN.name}님이 GFMS에 초대했습니다`,
    greeting: 'Jiwoo Kim님, 안녕하세요.',
    line: `GFMS의 ${ADMIN.name}님이 함께 협업할 수 있도록 ${PRODUCT}에 초대했습니다.`,
    button: '지금 시작하기',
    fallback: '위 버튼이 작동하지 않으면 브라우저에서 다음 주소를 여세요:',
  },
];

for (const l of languages) {
  test(`the invitation email arrives over SMTP in ${l.lang}, with its copy`, async ({ request, baseURL }) => {
    const to = `jiwoo.${l.lang}@customer.example`;
    const cc = `boss.${l.lang}@customer.example`;
    const delivered = sink.captureOne(to, { wait: 15_000 });
    const copied = sink.captureOne(cc, { wait: 15_000 });
    const response = await request.post('/v1.0/invitations', {
      headers: bearer(),
      data: {
        invitedUserEmailAddress: to,
        inviteRedirectUrl: `${baseURL}/`,
        invitedUserDisplayName: 'Jiwoo Kim',
        sendInvitationMessage: true,
        invitedUserMessageInfo: {
          customizedMessageBody: 'See you <b>soon</b> </a>',
          messageLanguage: l.lang,
          ccRecipients: [{ emailAddress: { address: cc } }],
        },
      },
    });
    expect(response.status()).toBe(201);
    const invitation = await response.json();
    const url: string = invitation.inviteRedeemUrl;
    expect(url).toMatch(new RegExp(`^${baseURL}/api/InviteUser\\?invitationId=[0-9a-f-]{36}$`));

    const { email } = await delivered;
    expect(email.headers.subject).toBe(l.subject);
    expect(email.headers.from).toContain('no-reply@gfms.example');
    expect(email.body).toContain(l.greeting);
    expect(email.body).toContain(l.line);
    expect(email.body).toContain(`${l.fallback}\n${url}`);
    expect(email.html).toContain(`<a href="${url}"`);
    expect(email.html).toContain(`>${l.button}</a>`);
    expect(email.html).toContain('See you &lt;b&gt;soon&lt;/b&gt; &lt;/a&gt;');
    const copy = await copied;
    expect(copy.email.headers.subject).toBe(l.subject);
  });
}

test('the API answers each failure with its status and Graph error code', async ({ request, baseURL }) => {
  const body = { invitedUserEmailAddress: 'dup@customer.example', inviteRedirectUrl: `${baseURL}/` };
  expect((await request.post('/v1.0/invitations', { data: body })).status()).toBe(401);
  expect((await request.post('/v1.0/invitations', { headers: bearer(), data: body })).status()).toBe(201);

  const cases: Array<[number, string, Promise<import('@playwright/test').APIResponse>]> = [
    [409, 'InvitationPending', request.post('/v1.0/invitations', { headers: bearer(), data: body })],
    [422, 'InvalidField', request.post('/v1.0/invitations', { headers: bearer(), data: { invitedUserEmailAddress: 'nope' } })],
    [400, 'BadRequest', request.post('/v1.0/invitations', { headers: { ...bearer(), 'content-type': 'application/json' }, data: '{"invitedUserEmailAddress":' })],
    [404, 'Request_ResourceNotFound', request.get('/v1.0/invitations/00000000-0000-4000-8000-000000000000', { headers: bearer() })],
    [401, 'InvalidAuthenticationToken', request.get('/v1.0/me', { headers: { authorization: 'Bearer lobby_not_a_token' } })],
  ];
  for (const [status, code, pending] of cases) {
    const response = await pending;
    expect(response.status(), code).toBe(status);
    expect((await response.json()).error.code).toBe(code);
  }
});
