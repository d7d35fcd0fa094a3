import { FlowSpec, type Inputs, step } from 'tsflow';

/**
 * A foreach whose body records whether its task process had loaded node:v8 once it read its
 * input (a list its start task wrote): datastore/v8-format.ts reads such values without it.
 */
export class LeanTaskFlow extends FlowSpec {
  items: number[] = [];
  doubled = 0;
  v8Loaded = true;

  @step start() {
    this.items = [1, 2];
    this.next(this.body, { foreach: 'items' });
  }

  @step body() {
    this.doubled = this.input * 2;
    this.v8Loaded = (process as unknown as { moduleLoadList: string[] }).moduleLoadList.includes(
      'NativeModule v8',
    );
    this.next(this.join);
  }

  @step join(inputs: Inputs<LeanTaskFlow>) {
    this.doubled = inputs.reduce((s, i) => s + i.doubled, 0);
    this.next(this.end);
  }

  @step end() {}
}
