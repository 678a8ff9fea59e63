// ReduceLROnPlateau with PyTorch's defaults for mode 'min': a value counts as better when it is below
// best·(1 − threshold); after `patience` epochs without one, lr ← lr·factor (not below minLr).

export interface PlateauState {
  best: number;
  badEpochs: number;
}

export class ReduceLROnPlateau {
  state: PlateauState = { best: Infinity, badEpochs: 0 };

  constructor(
    private readonly opt: { lr: number },
    readonly factor = 0.1,
    readonly patience = 7,
    readonly threshold = 1e-4,
    readonly minLr = 0,
  ) {}

  /** Call once per epoch with the validation loss; returns true when the lr was reduced. */
  step(value: number): boolean {
    if (value < this.state.best * (1 - this.threshold)) {
      this.state = { best: value, badEpochs: 0 };
      return false;
    }
    if (++this.state.badEpochs <= this.patience) return false;
    this.state.badEpochs = 0;
    const next = Math.max(this.opt.lr * this.factor, this.minLr);
    const reduced = next < this.opt.lr;
    this.opt.lr = next;
    return reduced;
  }
}
