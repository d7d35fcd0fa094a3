// The seed's flow: a static branch, a join that reads both branches, and a parameter.
//   npx tsflow run examples/petsflow.ts --alpha 0.7
//   npx tsx examples/petsflow.ts run
import { FlowSpec, type Inputs, Parameter, main, step } from 'tsflow';

/** Two branches collect pets; the join counts them. */
export class PetsFlow extends FlowSpec {
  alpha = Parameter('alpha', { default: 0.5, help: 'a number' });
  pets: string[] = [];

  @step start() {
    console.log(`alpha is ${this.alpha}`);
    this.next(this.a, this.b);
  }

  @step a() {
    this.pets = ['dogs', 'cats', 'budgies'];
    this.next(this.join);
  }

  @step b() {
    this.pets = ['lions', 'wolves', 'elephants'];
    this.next(this.join);
  }

  @step join(inputs: Inputs<PetsFlow>) {
    this.pets = [...inputs.a.pets, ...inputs.b.pets];
    console.log(`total of ${this.pets.length} pets`);
    this.next(this.end);
  }

  @step end() {}
}

main(PetsFlow);
