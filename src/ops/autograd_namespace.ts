/**
 * `dl.autograd`: gradient checking and grad-mode control. The namespace lives with the ops
 * because gradcheck evaluates ops; the autograd engine below it knows no op.
 */
export { gradcheck } from './gradcheck.js';
export type { GradcheckOptions } from './gradcheck.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from '../autograd/grad_mode.js';
export type { BackwardOptions } from '../autograd/engine.js';
