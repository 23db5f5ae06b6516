/**
 * CART regression trees (squared error) and their mean-decrease-impurity feature importances,
 * as scikit-learn's DecisionTreeRegressor computes `feature_importances_` with its defaults
 * (every feature tried at every node, thresholds halfway between neighbouring distinct values,
 * grown until leaves are pure or hold one sample): for each split, the weighted impurity
 * decrease n·MSE(node) − n_l·MSE(left) − n_r·MSE(right) is credited to its feature; the totals
 * are normalised to sum to 1.
 */

/** Rows of features `x[i][f]` and targets `y[i]`, restricted to the sample indices `idx`. */
interface Node { idx: number[] }

function sse(y: readonly number[], idx: readonly number[]): number {
  let s = 0;
  let s2 = 0;
  for (const i of idx) { s += y[i]; s2 += y[i] * y[i]; }
  return Math.max(0, s2 - (s * s) / idx.length);
}

/** The best split of a node: feature, threshold and impurity decrease (sum-of-squares units), or null. */
function bestSplit(x: readonly (readonly number[])[], y: readonly number[], idx: readonly number[]): { f: number; threshold: number; gain: number; left: number[]; right: number[] } | null {
  const parent = sse(y, idx);
  if (parent <= 1e-12 * idx.length) return null;
  let best: { f: number; threshold: number; gain: number; k: number; order: number[] } | null = null;
  const features = x[idx[0]].length;
  for (let f = 0; f < features; f++) {
    const order = [...idx].sort((a, b) => x[a][f] - x[b][f]);
    let total = 0;
    let total2 = 0;
    for (const i of order) { total += y[i]; total2 += y[i] * y[i]; }
    let ls = 0;
    let ls2 = 0;
    for (let k = 1; k < order.length; k++) {
      const v = y[order[k - 1]];
      ls += v; ls2 += v * v;
      if (x[order[k]][f] <= x[order[k - 1]][f] + 1e-7) continue; // sklearn's FEATURE_THRESHOLD
      const rs = total - ls;
      const rs2 = total2 - ls2;
      const child = (ls2 - (ls * ls) / k) + (rs2 - (rs * rs) / (order.length - k));
      const gain = parent - child;
      if (best === null || gain > best.gain + 1e-12) best = { f, threshold: (x[order[k - 1]][f] + x[order[k]][f]) / 2, gain, k, order };
    }
  }
  if (best === null || best.gain <= 0) return null;
  return { f: best.f, threshold: best.threshold, gain: best.gain, left: best.order.slice(0, best.k), right: best.order.slice(best.k) };
}

/**
 * Mean-decrease-impurity importances of one fully grown regression tree on the samples `idx`
 * (repeats allowed: a bootstrap sample), normalised to sum to 1 (all zero when no split helps).
 */
export function treeImportances(x: readonly (readonly number[])[], y: readonly number[], idx: readonly number[]): number[] {
  const features = x.length === 0 ? 0 : x[0].length;
  const credit = new Array<number>(features).fill(0);
  const stack: Node[] = [{ idx: [...idx] }];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.idx.length < 2) continue;
    const s = bestSplit(x, y, node.idx);
    if (s === null) continue;
    credit[s.f] += s.gain;
    stack.push({ idx: s.left }, { idx: s.right });
  }
  const total = credit.reduce((a, b) => a + b, 0);
  return total > 0 ? credit.map((c) => c / total) : credit;
}
