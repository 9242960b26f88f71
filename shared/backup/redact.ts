/**
 * What may reach a log line, a recorded result or a page from an error's text: no endpoints, addresses,
 * credentials or key material, no control characters, and not too much of it. Errors come from the SDK,
 * the network stack and AWS; their messages can quote a request, a URL with credentials in it, or a
 * response body, so everything that looks like one of those is replaced by a placeholder.
 */

import { isControl } from '../policy/text.js';

/** Longest text `redact` returns by default: a sentence or two, never a response body. */
export const MAX_REDACTED_LENGTH = 500;

/** Only this much of a message is scanned: the rest could never be shown anyway. */
const MAX_SCANNED_LENGTH = 10_000;

/** Key names whose values are secrets, in `key=value`, `key: value` and JSON forms. */
const SECRET_KEY =
  '[\\w-]*(?:secret|token|password|passwd|pwd|signature|credential|authorization|api[-_]?key|private[-_]?key)[\\w-]*';

/**
 * `SecretAccessKey=…`, `"sessionToken": "…"`, `'password': '…'`, `X-Amz-Security-Token: …`: the key (and
 * its quotes) is kept, the value goes. A quoted value ends at its closing quote, a bare one at white space
 * or the next `,`, `;`, `&` or `}`.
 */
const SECRET_VALUE = new RegExp(
  `(["']?${SECRET_KEY}["']?\\s*[=:]\\s*)("(?:[^"\\\\]|\\\\.)*"|'(?:[^'\\\\]|\\\\.)*'|[^\\s,;&}]+)`,
  'gi',
);
const BEARER = /\b(bearer|basic)\s+[\w.~+/=-]{8,}/gi;
const URL = /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi;
/** `user:pass@host[:port]` without a scheme (with one, `URL` already took it). */
const USER_INFO = /(?<![\w.-])[^\s:@/"'<>()[\]]{1,256}:[^\s@/"'<>()[\]]{1,256}@[\w.-]{1,256}(?::\d{1,5})?/g;
const HEX = '[0-9a-f]{1,4}';
const IPV4 = '\\d{1,3}(?:\\.\\d{1,3}){3}';
/** `[2001:db8::1]:443`, `[::1]`: an IPv6 address in brackets, with an optional port. */
const IPV6_BRACKETED = /\[(?:[0-9a-f]{0,4}:){2,7}[0-9a-f.]*(?:%[\w.]+)?\](?::\d{1,5})?/gi;
/** `fe80::1`, `::1`, `2001:db8::`, `::ffff:192.0.2.1` (compressed), with an optional zone (`%eth0`). */
const IPV6_COMPRESSED = new RegExp(
  `(?<![\\w:.])(?:(?:${HEX}:){1,7}:(?:(?:${HEX}:){0,5}${IPV4}|${HEX}(?::${HEX}){0,6})?|::(?:(?:${HEX}:){0,5}${IPV4}|${HEX}(?::${HEX}){0,6}))(?:%[\\w.]+)?(?![\\w:])`,
  'gi',
);
/** `2001:0db8:0000:0000:0000:ff00:0042:8329`: eight groups. Times such as `03:00:00` have three. */
const IPV6_FULL = new RegExp(`(?<![\\w:.])(?:${HEX}:){7}${HEX}(?:%[\\w.]+)?(?![\\w:])`, 'gi');
const IPV4_ADDRESS = new RegExp(`\\b${IPV4}(?::\\d+)?\\b`, 'g');
const AWS_HOST = /\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?(?::\d+)?\b/gi;
const ACCESS_KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/g;
/** Terminal escape sequences (CSI such as `ESC[31m`, OSC such as `ESC]0;title BEL`). */
const ESC = String.fromCharCode(0x1b);
const BEL = String.fromCharCode(0x07);
const CSI = String.fromCharCode(0x9b);
const ANSI = new RegExp(
  `${ESC}\\[[0-?]*[ -/]*[@-~]|${ESC}\\][^${BEL}${ESC}]*(?:${BEL}|${ESC}\\\\)?|${CSI}[0-?]*[ -/]*[@-~]`,
  'g',
);
/** Line breaks and tabs: one line per message. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;

/**
 * One line of printable text: escape sequences and control characters removed, line breaks and tabs as
 * spaces.
 * @example printable('a\u001b[31mred\u001b[0m\r\nnext') // 'ared next'
 */
export function printable(text: string): string {
  let out = '';
  for (const char of text.replace(ANSI, '').replace(BREAKS, ' ')) {
    if (!isControl(char.charCodeAt(0))) out += char;
  }
  return out;
}

/** At most `max` characters (whole code points), `…` marking a cut. */
function cap(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, Math.max(0, max - 1)).join('')}…` : text;
}

/**
 * Removes what must never reach a log line or a page: URLs, `user:pass@host`, IPv4 and IPv6 addresses,
 * AWS endpoints, access key ids, secret values (`key=value`, `key: value`, JSON `"key":"value"`),
 * `Bearer` tokens, escape sequences and control characters; at most `max` characters.
 * @example redact('connect ECONNREFUSED 127.0.0.1:4566') // 'connect ECONNREFUSED <address>'
 * @example redact('{"SecretAccessKey":"abc"}') // '{"SecretAccessKey":"<redacted>"}'
 */
export function redact(text: string, max = MAX_REDACTED_LENGTH): string {
  const redacted = printable(text.slice(0, MAX_SCANNED_LENGTH))
    .replace(URL, '<url>')
    .replace(BEARER, '$1 <redacted>')
    .replace(SECRET_VALUE, (_match, key: string, value: string) => {
      const quoteMark = value[0] === '"' || value[0] === "'" ? value[0] : '';
      return `${key}${quoteMark}<redacted>${quoteMark}`;
    })
    .replace(USER_INFO, '<credentials>@<address>')
    .replace(IPV6_BRACKETED, '<address>')
    .replace(IPV6_FULL, '<address>')
    .replace(IPV6_COMPRESSED, '<address>')
    .replace(IPV4_ADDRESS, '<address>')
    .replace(AWS_HOST, '<address>')
    .replace(ACCESS_KEY_ID, '<access-key>');
  return cap(redacted, max);
}
