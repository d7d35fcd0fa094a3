import { FlowSpec, step } from 'tsflow';

/** Every structured-clone type round-trips through the datastore, across tasks. */
export class ArtifactsFlow extends FlowSpec {
  map = new Map<string, number>();
  set = new Set<string>();
  date = new Date(0);
  big = 0n;
  buf = Buffer.alloc(0);
  floats = new Float64Array(0);
  ints = new Int32Array(0);
  bytes = new Uint8Array(0);
  regex = /x/;
  nested: { when: Date; ids: Set<bigint> } | null = null;
  checked = '';

  @step start() {
    this.map = new Map([
      ['a', 1],
      ['b', 2],
    ]);
    this.set = new Set(['x', 'y']);
    this.date = new Date('2026-01-02T03:04:05.678Z');
    this.big = 12345678901234567890n;
    this.buf = Buffer.from('hello tsflow');
    this.floats = Float64Array.from([1.5, -2.25, Math.PI]);
    this.ints = Int32Array.from([-1, 0, 2147483647]);
    this.bytes = Uint8Array.from([0, 255, 128]);
    this.regex = /ab+c/gi;
    this.nested = { when: new Date(86400000), ids: new Set([1n, 2n]) };
    this.next(this.check);
  }

  @step check() {
    const ok = [
      this.map instanceof Map && this.map.get('b') === 2,
      this.set instanceof Set && this.set.has('y'),
      this.date instanceof Date && this.date.toISOString() === '2026-01-02T03:04:05.678Z',
      this.big === 12345678901234567890n,
      Buffer.isBuffer(this.buf) && this.buf.toString() === 'hello tsflow',
      this.floats instanceof Float64Array && this.floats[2] === Math.PI,
      this.ints instanceof Int32Array && this.ints[2] === 2147483647,
      this.bytes instanceof Uint8Array && this.bytes[1] === 255,
      this.regex instanceof RegExp && this.regex.source === 'ab+c' && this.regex.flags === 'gi',
      this.nested?.ids.has(2n) === true && this.nested.when.getTime() === 86400000,
    ];
    this.checked = ok.map((b) => (b ? '1' : '0')).join('');
    console.log(`checked ${this.checked}`);
    this.next(this.end);
  }

  @step end() {}
}
