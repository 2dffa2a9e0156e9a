import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Transporter } from 'nodemailer';
import type { Mailer } from './types';

export interface MailerOptions {
  smtpUrl: string | null;
  dataDir: string;
  /** Sender address: senderFor(BASE_URL, MAIL_FROM). */
  from: string;
}

/**
 * nodemailer, loaded at the first message rather than with the app: most processes (a CLI command, each test file's
 * app) send none, and it is ~40 modules to load.
 */
function loadNodemailer(): typeof import('nodemailer') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  return require('nodemailer');
}

/** A transport made on first use by `make`. */
function lazyTransport(make: (mailer: typeof import('nodemailer')) => Transporter): () => Transporter {
  let transport: Transporter | undefined;
  return () => (transport ??= make(loadNodemailer()));
}

/**
 * SMTP when SMTP_URL is set; otherwise every message is written as a real RFC 822 `.eml` file under
 * DATA_DIR/outbox (nodemailer's stream transport builds it), so a demo without a mail server shows
 * exactly what would have been sent.
 */
export function createMailer(opts: MailerOptions): Mailer {
  if (opts.smtpUrl) {
    const transport = lazyTransport((nodemailer) => nodemailer.createTransport(opts.smtpUrl!));
    return {
      async send(mail) {
        if (!mail.to.length) return;
        await transport().sendMail({ from: opts.from, to: mail.to, subject: mail.subject, text: mail.text });
      },
    };
  }
  const outbox = path.join(opts.dataDir, 'outbox');
  const transport = lazyTransport((nodemailer) =>
    nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }),
  );
  return {
    async send(mail) {
      if (!mail.to.length) return;
      const info = await transport().sendMail({ from: opts.from, to: mail.to, subject: mail.subject, text: mail.text });
      fs.mkdirSync(outbox, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const file = path.join(outbox, `${stamp}-${crypto.randomBytes(4).toString('hex')}.eml`);
      fs.writeFileSync(file, info.message as Buffer);
    },
  };
}

/** The sender: MAIL_FROM when set, else hubwatch@<host of BASE_URL>, under the name Hubwatch 数据质量. */
export function senderFor(baseUrl: string, mailFrom: string | null = null): string {
  if (mailFrom) return `Hubwatch 数据质量 <${mailFrom}>`;
  let host = 'localhost';
  try {
    host = new URL(baseUrl).hostname || host;
  } catch {
    /* keep localhost */
  }
  return `Hubwatch 数据质量 <hubwatch@${host}>`;
}
