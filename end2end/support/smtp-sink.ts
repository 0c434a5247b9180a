// A real SMTP server inside the test process (smtp-tester), bound to loopback
// only: smtp-tester listens on every interface unless its server's listen is
// given a host, so that call is wrapped before the sink starts. Lobby keeps
// pooled SMTP connections open; closing does not wait 30 s for them.
import { SMTPServer } from 'smtp-server';
import smtpTester from 'smtp-tester';

const listen = SMTPServer.prototype.listen;
(SMTPServer.prototype as any).listen = function onLoopback(this: SMTPServer, port: number, ...rest: unknown[]) {
  (this as any).options.closeTimeout = 500;
  const callback = rest.find((a) => typeof a === 'function');
  return (listen as any).call(this, port, '127.0.0.1', ...(callback ? [callback] : []));
};

export type Sink = ReturnType<typeof smtpTester.init>;

export const SMTP_PORT = Number(process.env.LOBBY_E2E_SMTP_PORT ?? 2625);

export function startSmtpSink(port = SMTP_PORT): Sink {
  return smtpTester.init(port);
}

export function stopSmtpSink(sink: Sink): Promise<void> {
  return new Promise((resolve) => sink.stop(() => resolve()));
}
