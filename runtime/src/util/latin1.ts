// Whether a string can be written as Latin-1, one byte per character (the records' and V8's
// one-byte string encodings): no UTF-16 code unit above U+00FF.

const WIDE = /[\u0100-\uffff]/;

export function fitsLatin1(s: string): boolean {
  return !WIDE.test(s);
}
