import crypto from 'node:crypto';
import os from 'node:os';

/** Names this process in run and lease rows, so an operator can tell which instance did what. */
export const INSTANCE_ID = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
