// A dlflow model file. `dlflow train` calls the default export with the library and a spec:
//   inputs  — input units after preprocessing (from the data)
//   outputs — output units (classes, or 1 for regression)
//   hidden, dropout, activation, batchNorm — from the config's model/hyperparameters keys
// Layers are created in the constructor (init) and connected in forward().
import type * as DL from 'dlflow';

export interface ModelSpec {
  inputs: number;
  outputs: number;
  hidden: number[];
  dropout: number;
}

export default function createModel(dl: typeof DL, spec: ModelSpec): DL.nn.Module {
  const { nn } = dl;

  class Net extends nn.Module {
    hidden: DL.nn.ModuleList;
    drop: DL.nn.Dropout;
    out: DL.nn.Linear;

    constructor({ inputs, outputs, hidden, dropout }: ModelSpec) {
      super();
      const sizes = [inputs, ...hidden];
      this.hidden = new nn.ModuleList(hidden.map((units, i) => new nn.Linear(sizes[i], units)));
      this.drop = new nn.Dropout(dropout);
      this.out = new nn.Linear(sizes[sizes.length - 1], outputs);
    }

    override forward(x: DL.Tensor): DL.Tensor {
      for (const layer of this.hidden.children()) x = this.drop.forward((layer as DL.nn.Linear).forward(x).relu());
      return this.out.forward(x);
    }
  }

  return new Net(spec);
}
