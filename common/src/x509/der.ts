// The few DER (ASN.1) pieces an X.509 certificate or CRL needs, to write and to take apart. node:crypto
// signs and parses certificates but cannot build one; this keeps pgaas free of an ASN.1 dependency.

export function tlv(tag: number, body: Buffer): Buffer {
  const length = body.length;
  if (length < 0x80) return Buffer.concat([Buffer.from([tag, length]), body]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.concat([Buffer.from([tag, 0x80 | bytes.length, ...bytes]), body]);
}

export const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
export const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
export const octetString = (body: Buffer): Buffer => tlv(0x04, body);
export const bitString = (body: Buffer, unusedBits = 0): Buffer =>
  tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), body]));
export const utf8String = (text: string): Buffer => tlv(0x0c, Buffer.from(text, "utf8"));
export const booleanTrue = (): Buffer => tlv(0x01, Buffer.from([0xff]));
export const nullValue = (): Buffer => Buffer.from([0x05, 0x00]);
/** [n] EXPLICIT */
export const explicit = (n: number, body: Buffer): Buffer => tlv(0xa0 + n, body);

/** A non-negative INTEGER from big-endian bytes (a leading zero keeps it positive). */
export function unsignedInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  const trimmed = bytes.subarray(start);
  const body = (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
  return tlv(0x02, body);
}

export function objectId(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split(".").map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const groups: number[] = [];
    for (let value = arc; ; value = Math.floor(value / 128)) {
      groups.unshift(value % 128);
      if (value < 128) break;
    }
    bytes.push(...groups.map((group, i) => (i < groups.length - 1 ? group | 0x80 : group)));
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime before 2050, GeneralizedTime from then on (RFC 5280 4.1.2.5). */
export function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : tlv(0x18, Buffer.from(`${iso}Z`));
}

export interface Element {
  readonly tag: number;
  /** the whole element, header included */
  readonly raw: Buffer;
  readonly body: Buffer;
}

/** The elements directly inside `body` (one level). */
export function children(body: Buffer): Element[] {
  const elements: Element[] = [];
  let offset = 0;
  while (offset < body.length) {
    const tag = body[offset] ?? 0;
    let length = body[offset + 1] ?? 0;
    let header = 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      length = 0;
      for (let i = 0; i < count; i += 1) length = length * 256 + (body[offset + 2 + i] ?? 0);
      header += count;
    }
    const end = offset + header + length;
    if (end > body.length) throw new TypeError("truncated DER");
    elements.push({ tag, raw: body.subarray(offset, end), body: body.subarray(offset + header, end) });
    offset = end;
  }
  return elements;
}
