// Inviting through the API as an operator's script would, and reading the
// link from the email the SMTP sink receives.
import { expect, type APIRequestContext } from '@playwright/test';
import { bearer } from './api-token';
import type { Sink } from './smtp-sink';

/** Invites `to` (with any further fields of the request); returns the invitation's id and the email's link. */
export async function invite(sink: Sink, request: APIRequestContext, baseURL: string, to: string, more: object = {}) {
  const delivered = sink.captureOne(to, { wait: 15_000 });
  const response = await request.post('/v1.0/invitations', {
    headers: bearer(),
    data: { invitedUserEmailAddress: to, inviteRedirectUrl: `${baseURL}/`, sendInvitationMessage: true, ...more },
  });
  expect(response.status()).toBe(201);
  const { email } = await delivered;
  const link = /https?:\/\/\S+invitationId=[0-9a-f-]{36}/.exec(email.body)![0];
  return { id: (await response.json()).id as string, link };
}
