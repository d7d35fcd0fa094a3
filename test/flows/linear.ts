import { FlowSpec, step } from 'tsflow';

export class LinearFlow extends FlowSpec {
  count = 0;
  trail: string[] = [];

  @step start() {
    this.count = 1;
    this.trail = ['start'];
    this.next(this.middle);
  }

  @step async middle() {
    await new Promise((r) => setTimeout(r, 10));
    this.count += 1;
    this.trail.push('middle');
    this.next(this.end);
  }

  @step end() {
    this.trail.push('end');
    console.log(`count=${this.count} trail=${this.trail.join('>')}`);
  }
}
