import { FlowSpec, Parameter, step } from 'tsflow';

export class ParamsFlow extends FlowSpec {
  alpha = Parameter('alpha', { default: 0.5, help: 'a number' });
  name = Parameter('name', { default: 'world' });
  verbose = Parameter('verbose', { default: false });
  config = Parameter<{ layers: number[] }>('config', { type: 'json', default: { layers: [1] } });
  count = Parameter('count', { type: 'number', required: true, help: 'how many' });
  seen = '';

  @step start() {
    this.seen = JSON.stringify({
      alpha: this.alpha,
      name: this.name,
      verbose: this.verbose,
      config: this.config,
      count: this.count,
    });
    console.log(`seen ${this.seen}`);
    this.next(this.end);
  }

  @step end() {
    try {
      (this as { alpha: number }).alpha = 2;
    } catch (err) {
      console.log(`assigning failed: ${(err as Error).message}`);
    }
  }
}
