// A foreach: one task per pet computes its statistics; the join gathers them into a Map.
//   npx tsflow run examples/petstats.ts
import { FlowSpec, type Inputs, main, step } from 'tsflow';

export interface PetRecord {
  name: string;
  weightsKg: number[];
}

export interface PetStats {
  name: string;
  visits: number;
  meanKg: number;
  maxKg: number;
  trend: 'gaining' | 'losing' | 'steady';
}

/** Per-pet weight statistics from vet visits, one foreach task per pet. */
export class PetStatsFlow extends FlowSpec {
  pets: PetRecord[] = [];
  stats: PetStats | null = null;
  byName = new Map<string, PetStats>();
  heaviest = '';

  @step start() {
    this.pets = [
      { name: 'dogs', weightsKg: [20.1, 20.8, 21.5, 22.0] },
      { name: 'cats', weightsKg: [4.2, 4.1, 4.0, 3.9] },
      { name: 'budgies', weightsKg: [0.04, 0.04, 0.04] },
      { name: 'lions', weightsKg: [180, 185, 190] },
      { name: 'wolves', weightsKg: [40, 38, 39, 41] },
      { name: 'elephants', weightsKg: [5400, 5450, 5500] },
    ];
    this.next(this.measure, { foreach: 'pets' });
  }

  @step measure() {
    const pet = this.input as PetRecord;
    const w = pet.weightsKg;
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const delta = w[w.length - 1]! - w[0]!;
    this.stats = {
      name: pet.name,
      visits: w.length,
      meanKg: Math.round(mean * 1000) / 1000,
      maxKg: Math.max(...w),
      trend: Math.abs(delta) < mean * 0.01 ? 'steady' : delta > 0 ? 'gaining' : 'losing',
    };
    console.log(`pet ${this.index}: ${pet.name} averages ${this.stats.meanKg} kg (${this.stats.trend})`);
    this.next(this.gather);
  }

  @step gather(inputs: Inputs<PetStatsFlow>) {
    this.byName = new Map(inputs.map((i) => [i.stats!.name, i.stats!]));
    this.heaviest = [...this.byName.values()].sort((a, b) => b.meanKg - a.meanKg)[0]!.name;
    console.log(`stats for ${this.byName.size} pets; heaviest: ${this.heaviest}`);
    this.next(this.end);
  }

  @step end() {}
}

main(PetStatsFlow);
