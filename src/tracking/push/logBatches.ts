/**
 * Splits what a run logs into `runs/log-batch` requests within MLflow's
 * limits (mlflow/utils/validation.py): at most 1,000 metrics, 100 params and
 * 100 tags per request, 1,000 entities in all, and 1 MB of JSON.
 */
import type { LogBatch } from '../../mlflow/client/mlflowClient';
import type { WireMetric } from '../../mlflow/client/mlflowWire';
import { MAX_BATCH_REQUEST_BYTES, MAX_ENTITIES_PER_BATCH, MAX_METRICS_PER_BATCH, MAX_PARAMS_TAGS_PER_BATCH } from '../../mlflow/mlflowFormat';

type KeyValue = { key: string; value: string };

/** JSON bytes an entity adds to a batch request (with a margin for separators). */
function sizeOf(e: WireMetric | KeyValue): number {
  return Buffer.byteLength(JSON.stringify(e)) + 2;
}

/** The request's fixed part: `{"run_id":"<32 hex>","metrics":[],"params":[],"tags":[]}`. */
const ENVELOPE_BYTES = 100;

/**
 * Batches in order: params and tags first, so a param whose value conflicts
 * with the server's fails before any point is sent, then metrics in the
 * order given; each batch is filled up to the first limit it would cross.
 */
export function splitLogBatches(input: { params?: readonly KeyValue[]; tags?: readonly KeyValue[]; metrics?: readonly WireMetric[] }, limits = {
  metrics: MAX_METRICS_PER_BATCH, paramsTags: MAX_PARAMS_TAGS_PER_BATCH, entities: MAX_ENTITIES_PER_BATCH, bytes: MAX_BATCH_REQUEST_BYTES,
}): LogBatch[] {
  const out: LogBatch[] = [];
  let params: KeyValue[] = [];
  let tags: KeyValue[] = [];
  let metrics: WireMetric[] = [];
  let bytes = ENVELOPE_BYTES;
  const flush = (): void => {
    if (params.length + tags.length + metrics.length === 0) return;
    out.push({ params, tags, metrics });
    params = [];
    tags = [];
    metrics = [];
    bytes = ENVELOPE_BYTES;
  };
  const add = (kind: 'params' | 'tags' | 'metrics', e: KeyValue | WireMetric): void => {
    const size = sizeOf(e);
    const entities = params.length + tags.length + metrics.length;
    const full = entities + 1 > limits.entities || bytes + size > limits.bytes ||
      (kind === 'metrics' ? metrics.length + 1 > limits.metrics : (kind === 'params' ? params : tags).length + 1 > limits.paramsTags);
    if (full) flush();
    if (kind === 'params') params.push(e as KeyValue);
    else if (kind === 'tags') tags.push(e as KeyValue);
    else metrics.push(e as WireMetric);
    bytes += size;
  };
  for (const p of input.params ?? []) add('params', p);
  for (const t of input.tags ?? []) add('tags', t);
  for (const m of input.metrics ?? []) add('metrics', m);
  flush();
  return out;
}
