/**
 * The Quick start demo: a two-layer network trained with the raw engine (tensors, autograd and
 * a hand-written SGD step) on a synthetic three-arm spiral. Prints the loss falling and the
 * final training accuracy.
 *
 * Run: npm run demo
 */
import * as dl from '../src/index.js';

const CLASSES = 3;
const PER_CLASS = 200;
const HIDDEN = 64;

/** Three interleaved spiral arms (the classic non-linearly-separable toy problem). */
function spiral(): { x: dl.Tensor; y: dl.Tensor } {
  const gen = new dl.Generator(7);
  const points = new Float32Array(CLASSES * PER_CLASS * 2);
  const labels = new BigInt64Array(CLASSES * PER_CLASS);
  for (let c = 0; c < CLASSES; c++) {
    for (let i = 0; i < PER_CLASS; i++) {
      const r = i / PER_CLASS;
      const angle = (c * 4 + 4 * r) + gen.nextNormal() * 0.2;
      const k = c * PER_CLASS + i;
      points[2 * k] = r * Math.sin(angle);
      points[2 * k + 1] = r * Math.cos(angle);
      labels[k] = BigInt(c);
    }
  }
  return { x: dl.tensor(points, { shape: [CLASSES * PER_CLASS, 2] }), y: dl.tensor(labels) };
}

dl.manualSeed(0);
const { x, y } = spiral();
const w1 = dl.randn([2, HIDDEN]).mul(Math.sqrt(2 / 2)).detach().requiresGrad_();
const b1 = dl.zeros([HIDDEN], { requiresGrad: true });
const w2 = dl.randn([HIDDEN, CLASSES]).mul(Math.sqrt(1 / HIDDEN)).detach().requiresGrad_();
const b2 = dl.zeros([CLASSES], { requiresGrad: true });
const params = [w1, b1, w2, b2];
const lr = 0.5;

function forward(input: dl.Tensor): dl.Tensor {
  return input.matmul(w1).add(b1).relu().matmul(w2).add(b2);
}

/** Mean cross-entropy: -log softmax(logits)[label]. */
function crossEntropy(logits: dl.Tensor, labels: dl.Tensor): dl.Tensor {
  return logits.logSoftmax(1).gather(1, labels.unsqueeze(1)).mean().neg();
}

console.log(`dlflow demo: 2-${HIDDEN}-${CLASSES} network on a ${CLASSES}-arm spiral (${CLASSES * PER_CLASS} points), backend ${dl.getBackend().name}`);
for (let step = 0; step <= 1000; step++) {
  const loss = dl.tidy(() => {
    const l = crossEntropy(forward(x), y);
    l.backward();
    dl.noGrad(() => {
      for (const p of params) {
        p.sub_(p.grad!.mul(lr));
        p.grad = null;
      }
    });
    return l.item();
  });
  if (step % 100 === 0) console.log(`step ${String(step).padStart(4)}  loss ${loss.toFixed(4)}`);
}
const accuracy = dl.tidy(() => dl.noGrad(() => forward(x).argmax(1).eq(y).float().mean().item()));
console.log(`training accuracy ${(accuracy * 100).toFixed(1)}%`);
