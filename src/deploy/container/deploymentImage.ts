/**
 * How a container deployment names its image in the store, and where a
 * served image writes its request log: one place for `runlens serve
 * --image`, which writes both, and for the CLI and the editor, which read them.
 */
import { join } from 'node:path';

/** What `deployments.image` holds for a container deployment: the tag it was built as, and the image id (the tag may move). */
export function deploymentImage(tag: string, imageId: string): string {
  return `${tag}@${imageId}`;
}

/** `runlens/churn:3@sha256:…` → its tag and id; a value without an id is all tag. */
export function deploymentImageParts(image: string): { readonly tag: string; readonly id: string | null } {
  const at = image.lastIndexOf('@');
  return at < 0 ? { tag: image, id: null } : { tag: image.slice(0, at), id: image.slice(at + 1) };
}

/** `runlens/churn:3 (0123456789ab)`: the tag and the id's first 12 hex, as `docker images` shows an id. */
export function formatDeploymentImage(image: string): string {
  const { tag, id } = deploymentImageParts(image);
  return id ? `${tag} (${id.replace(/^sha256:/, '').slice(0, 12)})` : tag;
}

/**
 * The request log of a served image: in a folder of its own, which is
 * mounted into the container and opened to the image's user.
 */
export function imageRequestLog(storeDir: string, name: string, version: number): string {
  return join(storeDir, 'serving', `${name}-v${version}-image`, 'requests.jsonl');
}
