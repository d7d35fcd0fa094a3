// A realistic ML flow: generate a regression data set, fit a ridge regression by gradient
// descent for several regularisation strengths in a foreach, keep the model with the lowest
// validation error.
//   npx tsflow run examples/hyperparams.ts --samples 5000
import { FlowSpec, type Inputs, Parameter, main, step } from 'tsflow';

const FEATURES = 8;

/** A small seeded PRNG (mulberry32) so runs are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Model {
  lambda: number;
  weights: Float64Array;
  bias: number;
  trainMse: number;
  validMse: number;
}

function mse(x: Float64Array, y: Float64Array, w: Float64Array, b: number, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) {
    let p = b;
    for (let j = 0; j < FEATURES; j++) p += w[j]! * x[i * FEATURES + j]!;
    s += (p - y[i]!) ** 2;
  }
  return s / (to - from);
}

/** Ridge regression, one foreach task per regularisation strength; the join keeps the best. */
export class HyperparamFlow extends FlowSpec {
  samples = Parameter('samples', { default: 2000, help: 'rows of generated data' });
  seed = Parameter('seed', { default: 7, help: 'random seed' });
  epochs = Parameter('epochs', { default: 200, help: 'gradient descent epochs' });

  x = new Float64Array(0);
  y = new Float64Array(0);
  trueWeights = new Float64Array(0);
  lambdas: number[] = [];
  model: Model | null = null;
  best: Model | null = null;
  leaderboard: { lambda: number; validMse: number }[] = [];

  @step start() {
    const rand = rng(this.seed);
    const n = this.samples;
    this.trueWeights = Float64Array.from({ length: FEATURES }, () => rand() * 4 - 2);
    this.x = new Float64Array(n * FEATURES);
    this.y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let target = 0.5;
      for (let j = 0; j < FEATURES; j++) {
        const v = rand() * 2 - 1;
        this.x[i * FEATURES + j] = v;
        target += this.trueWeights[j]! * v;
      }
      this.y[i] = target + (rand() - 0.5) * 0.2;
    }
    this.lambdas = [0, 0.001, 0.01, 0.1, 1];
    console.log(`generated ${n} rows with ${FEATURES} features`);
    this.next(this.train, { foreach: 'lambdas' });
  }

  @step train() {
    const lambda = this.input as number;
    const n = this.samples;
    const split = Math.floor(n * 0.8);
    const w = new Float64Array(FEATURES);
    let b = 0;
    const lr = 0.1;
    for (let epoch = 0; epoch < this.epochs; epoch++) {
      const gw = new Float64Array(FEATURES);
      let gb = 0;
      for (let i = 0; i < split; i++) {
        let p = b;
        for (let j = 0; j < FEATURES; j++) p += w[j]! * this.x[i * FEATURES + j]!;
        const err = p - this.y[i]!;
        for (let j = 0; j < FEATURES; j++) gw[j]! += err * this.x[i * FEATURES + j]!;
        gb += err;
      }
      for (let j = 0; j < FEATURES; j++) w[j] = w[j]! - lr * (gw[j]! / split + lambda * w[j]!);
      b -= (lr * gb) / split;
    }
    this.model = {
      lambda,
      weights: w,
      bias: b,
      trainMse: mse(this.x, this.y, w, b, 0, split),
      validMse: mse(this.x, this.y, w, b, split, n),
    };
    console.log(`lambda=${lambda}: validation MSE ${this.model.validMse.toFixed(5)}`);
    this.next(this.pick);
  }

  @step pick(inputs: Inputs<HyperparamFlow>) {
    const models = inputs.map((i) => i.model!);
    this.leaderboard = models
      .map((m) => ({ lambda: m.lambda, validMse: m.validMse }))
      .sort((a, b) => a.validMse - b.validMse);
    this.best = models.reduce((a, b) => (b.validMse < a.validMse ? b : a));
    this.mergeArtifacts(inputs, { include: ['trueWeights'] });
    console.log(`best lambda ${this.best.lambda} with validation MSE ${this.best.validMse.toFixed(5)}`);
    this.next(this.end);
  }

  @step end() {
    const err = Math.max(...this.best!.weights.map((w, j) => Math.abs(w - this.trueWeights[j]!)));
    console.log(`largest weight error of the best model: ${err.toFixed(4)}`);
  }
}

main(HyperparamFlow);
