import { FlowSpec, Parameter, type Inputs, step } from 'tsflow';

/** A foreach of `n` trivial tasks (also the benchmark's flow). */
export class WideFlow extends FlowSpec {
  n = Parameter('n', { default: 10 });
  items: number[] = [];
  square = 0;
  total = 0;

  @step start() {
    this.items = Array.from({ length: this.n }, (_, i) => i);
    this.next(this.body, { foreach: 'items' });
  }

  @step body() {
    this.square = this.input * this.input;
    this.next(this.join);
  }

  @step join(inputs: Inputs<WideFlow>) {
    this.total = inputs.reduce((s, i) => s + i.square, 0);
    this.next(this.end);
  }

  @step end() {}
}
