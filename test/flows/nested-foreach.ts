import { FlowSpec, type Inputs, step } from 'tsflow';

/** A foreach inside a foreach, with a static split inside the inner body. */
export class NestedForeachFlow extends FlowSpec {
  groups: string[] = [];
  members: number[] = [];
  group = '';
  cell = '';
  upper = '';
  lower = '';
  cells: string[] = [];
  table: string[][] = [];

  @step start() {
    this.groups = ['x', 'y', 'z'];
    this.next(this.outer, { foreach: 'groups' });
  }

  @step outer() {
    this.group = this.input;
    this.members = [1, 2];
    this.next(this.inner, { foreach: 'members' });
  }

  @step inner() {
    this.cell = `${this.group}${this.input}@${this.index}`;
    this.next(this.up, this.down);
  }

  @step up() {
    this.upper = this.cell.toUpperCase();
    this.next(this.both);
  }

  @step down() {
    this.lower = this.cell.toLowerCase();
    this.next(this.both);
  }

  @step both(inputs: Inputs<NestedForeachFlow>) {
    this.cell = `${inputs.up.upper}/${inputs.down.lower}`;
    this.next(this.innerJoin);
  }

  @step innerJoin(inputs: Inputs<NestedForeachFlow>) {
    this.cells = inputs.map((i) => i.cell);
    this.next(this.outerJoin);
  }

  @step outerJoin(inputs: Inputs<NestedForeachFlow>) {
    this.table = inputs.map((i) => i.cells);
    this.next(this.end);
  }

  @step end() {}
}
