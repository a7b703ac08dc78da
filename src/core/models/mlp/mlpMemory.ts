import { constants } from 'node:buffer';
import type { MemoryBudget } from '../../util/memory';
import { formatBytes, formatCount } from '../../util/memory';

/**
 * Bytes a fit holds per network parameter: the float32 weights, their
 * float64 gradient, Adam's two float64 moments, the best-epoch copy, the
 * weight mask, and the backend's own copies of the weights.
 */
const BYTES_PER_PARAMETER = 4 + 8 + 16 + 4 + 1 + 8;

/** What a network of `sizes` (`[inputs, ...hidden, outputs]`) costs to train. */
export interface NetworkCost {
  readonly parameters: number;
  readonly bytes: number;
}

/** Parameters and bytes to train a network: weights and optimiser state, one batch's activations, the float32 copy of the data. */
export function networkCost(sizes: readonly number[], batchSize: number, rows: number): NetworkCost {
  let parameters = 0;
  for (let l = 0; l + 1 < sizes.length; l++) parameters += (sizes[l] + 1) * sizes[l + 1];
  const units = sizes.reduce((a, b) => a + b, 0);
  const bytes = parameters * BYTES_PER_PARAMETER + Math.min(batchSize, rows) * units * 16 + rows * sizes[0] * 4;
  return { parameters, bytes };
}

/**
 * Checks, before anything is allocated, that the network fits: in one typed
 * array (the gradient is a Float64Array of every parameter) and in the
 * memory left. Throws one line naming the config key; a run that asked for
 * `hidden_layers: [1000000000]` used to die with "Invalid typed array length".
 */
export function checkNetworkFits(sizes: readonly number[], batchSize: number, rows: number, budget: MemoryBudget): void {
  const { parameters, bytes } = networkCost(sizes, batchSize, rows);
  const hidden = sizes.slice(1, -1);
  const what = `model.params.hidden_layers [${hidden.join(', ')}] makes a network of ${formatCount(parameters)} parameters ` +
    `(${sizes[0]} input${sizes[0] === 1 ? '' : 's'}, ${sizes[sizes.length - 1]} output${sizes[sizes.length - 1] === 1 ? '' : 's'})`;
  const maxParameters = Math.floor(constants.MAX_LENGTH / 8);
  if (parameters > maxParameters) {
    throw new Error(`${what}, more than the ${formatCount(maxParameters)} one array can hold: use fewer or smaller layers`);
  }
  if (bytes > budget.systemBytes) {
    throw new Error(`${what}; training it needs about ${formatBytes(bytes)} of memory and ${formatBytes(budget.systemBytes)} is available: use fewer or smaller layers`);
  }
}
