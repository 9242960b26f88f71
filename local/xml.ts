/** Writing AWS Query XML responses and error bodies. */
import type { AwsApiError } from './errors.js';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** A scalar element; nothing for undefined. Dates are ISO 8601 UTC. Example: `el('Port', 27017)` */
export function el(name: string, value: string | number | boolean | Date | undefined): string {
  if (value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return `<${name}>${escapeXml(text)}</${name}>`;
}

/** An element around already-built XML. Example: `wrap('DBClusterSnapshot', fields)` */
export function wrap(name: string, inner: string): string {
  return `<${name}>${inner}</${name}>`;
}

/** A list: `<Tags><Tag>…</Tag><Tag>…</Tag></Tags>`. */
export function list<T>(
  name: string,
  member: string,
  items: Iterable<T>,
  render: (item: T) => string,
): string {
  let inner = '';
  for (const item of items) inner += wrap(member, render(item));
  return wrap(name, inner);
}

/** A complete Query response: `<ActionResponse xmlns><ActionResult>…</ActionResult><ResponseMetadata>`. */
export function queryResponse(
  action: string,
  namespace: string,
  result: string | undefined,
  requestId: string,
): string {
  const body = result === undefined ? '' : wrap(`${action}Result`, result);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}">${body}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  );
}

/** A Query error body: `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`. */
export function queryErrorResponse(error: AwsApiError, namespace: string, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${namespace}"><Error>` +
    `${el('Type', error.side)}${el('Code', error.code)}${el('Message', error.message)}</Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}
