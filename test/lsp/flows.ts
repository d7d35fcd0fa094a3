// A flow that exercises every step kind, for the feature tests.

export const SHOP = `import { FlowSpec, type Inputs, Parameter, retry, step } from 'tsflow';

/** Prices some baskets. */
export class ShopFlow extends FlowSpec {
  rate = Parameter('rate', { default: 0.2, help: 'the tax rate' });
  baskets: number[][] = [];

  @step start() {
    this.baskets = [[1, 2], [3]];
    this.next(this.price, this.count);
  }

  /** Sums each basket. */
  @retry({ times: 2 })
  @step price() {
    this.totals = this.baskets.map((b) => b.reduce((x, y) => x + y, 0) * (1 + this.rate));
    this.next(this.merge);
  }

  @step count() {
    this.items = this.baskets.flat();
    this.next(this.merge);
  }

  @step merge(inputs: Inputs<ShopFlow>) {
    this.totals = inputs.price.totals;
    this.items = inputs.count.items;
    this.next(this.fan);
  }

  @step fan() {
    this.next(this.each, { foreach: 'items' });
  }

  @step each() {
    this.double = this.input * 2;
    this.next(this.gather);
  }

  @step gather(inputs: Inputs<ShopFlow>) {
    this.doubles = inputs.map((i) => i.double);
    this.mode = this.doubles.length > 2 ? 'big' : 'small';
    this.next(this.decide);
  }

  @step decide() {
    this.next({ big: this.report, small: this.end }, { condition: 'mode' });
  }

  @step report() {
    console.log(this.totals, this.doubles);
    this.next(this.end);
  }

  @step end() {}
}
`;
