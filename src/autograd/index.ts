/** `dl.autograd`: gradient checking and grad-mode control. */
export { gradcheck } from './gradcheck.js';
export type { GradcheckOptions } from './gradcheck.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './grad_mode.js';
export type { BackwardOptions } from './engine.js';
