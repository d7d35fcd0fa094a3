import { randomFillSync } from 'node:crypto';
import { FlowSpec, step } from 'tsflow';

/** Saves $BLOB_MB of random (incompressible) bytes: an S3 multipart upload a test can interrupt. */
export class RandomBlobFlow extends FlowSpec {
  blob = Buffer.alloc(0);

  @step start() {
    this.next(this.write);
  }

  @step write() {
    this.blob = randomFillSync(Buffer.allocUnsafe(Number(process.env.BLOB_MB ?? 64) * 1024 * 1024));
    console.log(`saving ${this.blob.length} random bytes`);
    this.next(this.end);
  }

  @step end() {
    console.log(`blob of ${this.blob.length} bytes`);
  }
}
