import { FlowSpec, step } from 'tsflow';

export class UnserializableFlow extends FlowSpec {
  fine = 1;
  callback: unknown = null;

  @step start() {
    this.fine = 2;
    this.callback = () => 42;
    this.next(this.end);
  }

  @step end() {}
}
