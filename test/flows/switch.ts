import { FlowSpec, Parameter, step } from 'tsflow';

/** A switch with a self-loop (count up to `limit`), then a switch on a parameter-derived value. */
export class SwitchFlow extends FlowSpec {
  limit = Parameter('limit', { default: 3 });
  mode = Parameter('mode', { default: 'fast', help: 'fast or careful' });
  counter = 0;
  status = '';
  route = '';
  path: string[] = [];

  @step start() {
    this.counter = 0;
    this.next(this.loop);
  }

  @step loop() {
    this.counter += 1;
    this.path.push(`loop${this.counter}`);
    this.status = this.counter < this.limit ? 'again' : 'done';
    this.next({ again: this.loop, done: this.decide }, { condition: 'status' });
  }

  @step decide() {
    this.route = this.mode;
    this.next({ fast: this.quick, careful: this.slow }, { condition: 'route' });
  }

  @step quick() {
    this.path.push('quick');
    this.next(this.end);
  }

  @step slow() {
    this.path.push('slow');
    this.next(this.end);
  }

  @step end() {
    console.log(`path=${this.path.join(',')}`);
  }
}
