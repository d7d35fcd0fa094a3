import { FlowSpec, step } from 'tsflow';

/** Writes a large artifact, so a test can kill the task while it is being saved. */
export class BigWriteFlow extends FlowSpec {
  blob = Buffer.alloc(0);
  note = '';

  @step start() {
    this.note = 'before the big write';
    this.next(this.write);
  }

  @step write() {
    const mb = Number(process.env.BIG_MB ?? 300);
    this.blob = Buffer.alloc(mb * 1024 * 1024);
    for (let i = 0; i < this.blob.length; i += 4096) this.blob[i] = (i / 4096) & 0xff;
    console.log(`saving ${mb} MB`);
    this.next(this.end);
  }

  @step end() {
    console.log(`blob of ${this.blob.length} bytes`);
  }
}
