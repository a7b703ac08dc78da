import type { ParamInfo } from '../params';
import { booleanParam, checkParamNames, enumParam, numberParam } from '../params';

export const MLP_TYPE = 'mlp';

export type MlpActivation = 'relu' | 'tanh' | 'sigmoid';
export type MlpOptimizer = 'adam' | 'sgd';

/** Validated hyperparameters of `mlp`; names and defaults follow `mlpParams` in schemas/train.schema.json. */
export interface MlpParams {
  /** Units of each hidden layer; `[]` gives a linear (or logistic) model trained by the same loop. */
  readonly hidden_layers: readonly number[];
  readonly activation: MlpActivation;
  readonly optimizer: MlpOptimizer;
  readonly learning_rate: number;
  readonly batch_size: number;
  readonly epochs: number;
  /** L2 penalty: the objective of a batch of n rows is mean loss + alpha·‖W‖²/(2n), as scikit-learn. */
  readonly alpha: number;
  readonly early_stopping: boolean;
  readonly patience: number;
  readonly validation_fraction: number;
  readonly seed: number;
}

export const MLP_DEFAULTS: MlpParams = {
  hidden_layers: [64],
  activation: 'relu',
  optimizer: 'adam',
  learning_rate: 0.001,
  batch_size: 32,
  epochs: 100,
  alpha: 1e-4,
  early_stopping: false,
  patience: 10,
  validation_fraction: 0.1,
  seed: 0,
};

export const MLP_PARAMS: readonly ParamInfo[] = [
  { name: 'hidden_layers', description: 'Units of each hidden layer, e.g. [64, 32]; [] gives a linear model.', default: [64] },
  { name: 'activation', description: 'Activation of the hidden layers: relu, tanh or sigmoid.', default: 'relu' },
  { name: 'optimizer', description: 'adam, or sgd (plain stochastic gradient descent).', default: 'adam' },
  { name: 'learning_rate', description: 'Step size of the optimiser (> 0).', default: 0.001 },
  { name: 'batch_size', description: 'Samples per gradient step (clipped to the number of training rows).', default: 32 },
  { name: 'epochs', description: 'Passes over the training data.', default: 100 },
  { name: 'alpha', description: 'L2 penalty on the weights (not the biases), scikit-learn semantics.', default: 1e-4 },
  { name: 'early_stopping', description: 'Hold out validation_fraction and stop when its loss has not improved for patience epochs; keeps the best weights.', default: false },
  { name: 'patience', description: 'Epochs without a lower validation loss before early stopping.', default: 10 },
  { name: 'validation_fraction', description: 'Fraction of the training rows held out for early stopping, in (0, 1).', default: 0.1 },
  { name: 'seed', description: 'Seed of the weight initialisation, the shuffles and the validation split; same seed and data give identical weights.', default: 0 },
];

/** Bounds of `hidden_layers`, as in schemas/train.schema.json (the memory check then looks at the whole network). */
export const MAX_LAYERS = 64;
export const MAX_LAYER_UNITS = 65536;

const ACTIVATIONS: readonly MlpActivation[] = ['relu', 'tanh', 'sigmoid'];
const OPTIMIZERS: readonly MlpOptimizer[] = ['adam', 'sgd'];

function hiddenLayersParam(params: Readonly<Record<string, unknown>>): readonly number[] {
  const v = params.hidden_layers;
  if (v === undefined) return MLP_DEFAULTS.hidden_layers;
  if (!Array.isArray(v) || v.length > MAX_LAYERS || v.some((u) => typeof u !== 'number' || !Number.isInteger(u) || u < 1 || u > MAX_LAYER_UNITS)) {
    const shown = JSON.stringify(v);
    throw new Error(`Parameter "hidden_layers" of model "${MLP_TYPE}" must be a list of at most ${MAX_LAYERS} integers from 1 to ${MAX_LAYER_UNITS}, e.g. [64, 32]; got ${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown}.`);
  }
  return [...(v as number[])];
}

function validationFraction(params: Readonly<Record<string, unknown>>): number {
  const v = numberParam(MLP_TYPE, params, 'validation_fraction', MLP_DEFAULTS.validation_fraction, { min: 0, minExclusive: true });
  if (v >= 1) throw new Error(`Parameter "validation_fraction" of model "${MLP_TYPE}" must be a number > 0 and < 1; got ${v}.`);
  return v;
}

/** Checks names and values of user params (config or sweep) and fills the defaults. */
export function readMlpParams(params: Readonly<Record<string, unknown>>): MlpParams {
  checkParamNames(MLP_TYPE, params, MLP_PARAMS);
  const d = MLP_DEFAULTS;
  return {
    hidden_layers: hiddenLayersParam(params),
    activation: enumParam(MLP_TYPE, params, 'activation', d.activation, ACTIVATIONS),
    optimizer: enumParam(MLP_TYPE, params, 'optimizer', d.optimizer, OPTIMIZERS),
    learning_rate: numberParam(MLP_TYPE, params, 'learning_rate', d.learning_rate, { min: 0, minExclusive: true }),
    batch_size: numberParam(MLP_TYPE, params, 'batch_size', d.batch_size, { min: 1, integer: true }),
    epochs: numberParam(MLP_TYPE, params, 'epochs', d.epochs, { min: 1, integer: true }),
    alpha: numberParam(MLP_TYPE, params, 'alpha', d.alpha, { min: 0 }),
    early_stopping: booleanParam(MLP_TYPE, params, 'early_stopping', d.early_stopping),
    patience: numberParam(MLP_TYPE, params, 'patience', d.patience, { min: 1, integer: true }),
    validation_fraction: validationFraction(params),
    seed: numberParam(MLP_TYPE, params, 'seed', d.seed, { integer: true }),
  };
}
