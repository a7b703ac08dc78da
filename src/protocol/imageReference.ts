/**
 * The one module of src/protocol with code: the Deploy page checks the tag
 * the user types with it before it posts `build`, and the host, the build
 * and the CLI check it again. Import-free, so the page can bundle it.
 *
 * Image references (`[host[:port]/]path[:tag][@digest]`) checked against the
 * grammar of distribution/reference, the one docker, podman and buildah all
 * parse. A tag is handed to the container CLI as one argument, never through
 * a shell; checking it as well turns `x; rm -rf /` into a clear error before
 * anything runs instead of a confusing one from the CLI.
 */

/** A reference the container CLI would refuse, with the reason. */
export class ImageReferenceError extends Error {
  constructor(readonly reference: string, reason: string) {
    super(`invalid image reference "${reference}": ${reason}`);
    this.name = 'ImageReferenceError';
  }
}

// Hand-written from distribution/reference's regexp.go: no npm package
// implements that grammar without pulling in a whole registry client.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const PATH_RE = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const DOMAIN_RE = new RegExp(`^${DOMAIN}$`);
const TAG_RE = new RegExp(`^${TAG}$`);
const DIGEST_RE = new RegExp(`^${DIGEST}$`);

/** The parts of a valid reference. */
export interface ImageReference {
  readonly domain?: string;
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

/**
 * Parses and checks an image reference. `allowDigest` is for base images
 * (`FROM node@sha256:...`); a build's tag can not carry a digest.
 * Throws `ImageReferenceError` naming what is wrong.
 */
export function parseImageReference(text: string, options: { allowDigest?: boolean } = {}): ImageReference {
  const fail = (reason: string): never => {
    throw new ImageReferenceError(text, reason);
  };
  if (text.length === 0) fail('it is empty');
  const bad = /[^A-Za-z0-9._:/@\-[\]]/.exec(text);
  if (bad) fail(`character ${JSON.stringify(bad[0])} at position ${bad.index + 1} is not allowed (letters, digits and . _ - / : @ only)`);
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    if (!options.allowDigest) fail('a build tag can not contain a digest (@...)');
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) fail(`"${digest}" is not a digest (algorithm:hex, e.g. sha256:...)`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) fail(`tag "${tag}" must be 1-128 of letters, digits, _ . - and not start with . or -`);
  }
  let domain: string | undefined;
  const firstSlash = rest.indexOf('/');
  if (firstSlash >= 0) {
    const first = rest.slice(0, firstSlash);
    // As in docker: the first component is a registry host when it looks like one.
    if (first.includes('.') || first.includes(':') || first === 'localhost' || /[A-Z]/.test(first)) {
      domain = first;
      rest = rest.slice(firstSlash + 1);
      if (!DOMAIN_RE.test(domain)) fail(`"${domain}" is not a registry host[:port]`);
    }
  }
  if (rest.length === 0) fail('the repository name is empty');
  if (/[A-Z]/.test(rest)) fail(`repository name "${rest}" must be lowercase`);
  if (!PATH_RE.test(rest)) fail(`repository name "${rest}" must be lowercase letters and digits separated by single . _ __ - or /`);
  if ((domain ? domain.length + 1 : 0) + rest.length > 255) fail('the name is longer than 255 characters');
  return { ...(domain ? { domain } : {}), path: rest, ...(tag !== undefined ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** A repository name from a model name: lowercase, runs of other characters become one `-`. */
export function repositoryName(name: string): string {
  const cleaned = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return cleaned.length > 0 ? cleaned.slice(0, 200) : 'model';
}

/** The default tag: `runlens/<model>:<version>`, or `runlens/run-<id8>:latest` for a bare run. */
export function defaultImageTag(model: { readonly name: string | null; readonly version: number | null; readonly runId: string }): string {
  if (model.name !== null && model.version !== null) return `runlens/${repositoryName(model.name)}:${model.version}`;
  return `runlens/run-${repositoryName(model.runId.slice(0, 8))}:latest`;
}
