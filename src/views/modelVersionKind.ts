import type { ModelVersionRecord } from '../store/types';

/** True when the version is an MLflow model an MLflow client registered (not a RunLens package RunLens can serve or build). */
export function isMlflowModelVersion(v: Pick<ModelVersionRecord, 'packageFormat'>): boolean {
  return v.packageFormat === 'mlflow';
}

/**
 * One line saying what an MLflow-registered version is, for the Models view,
 * `runlens model show` and the refusal to serve or build it; undefined for a
 * RunLens package.
 */
export function mlflowModelNote(v: Pick<ModelVersionRecord, 'name' | 'version' | 'packageFormat' | 'source'>): string | undefined {
  if (!isMlflowModelVersion(v)) return undefined;
  return `${v.name} v${v.version} is an MLflow model registered by an MLflow client from ${v.source ?? 'an unknown source'}, not a RunLens model package: `
    + 'RunLens lists it, but runlens serve and runlens build need a RunLens package (serve it with `mlflow models serve -m models:/'
    + `${v.name}/${v.version}\` against runlens server)`;
}
