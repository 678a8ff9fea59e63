// Activations a kernel applies to the values it stores: the prelude's ACT override (0 none, 1 ReLU,
// 2 ReLU6), which the convolutions use for eval-mode Conv-BN-act.

export type FusedActivation = 'relu' | 'relu6';

/** The ACT constant of a launch; none without an activation, so no extra pipeline variant gets compiled. */
export const actConstant = (a: FusedActivation | undefined): { ACT?: number } => (a ? { ACT: a === 'relu' ? 1 : 2 } : {});
