import { randomBytes, randomInt } from 'node:crypto';

/** A new run id: 32 random lowercase hex characters (128 bits, like MLflow's uuid hex). */
export function newRunId(): string {
  return randomBytes(16).toString('hex');
}

export const RUN_ID_RE = /^[0-9a-f]{32}$/;
/** Shortest id prefix accepted when resolving a run reference. */
export const MIN_PREFIX_LENGTH = 4;

/** Whether `ref` can be an id prefix (hex, at least {@link MIN_PREFIX_LENGTH} chars). */
export function isIdPrefix(ref: string): boolean {
  return ref.length >= MIN_PREFIX_LENGTH && ref.length <= 32 && /^[0-9a-f]+$/.test(ref);
}

const ADJECTIVES = [
  'amber', 'bold', 'brave', 'bright', 'calm', 'clever', 'cosmic', 'crisp', 'daring', 'eager',
  'fancy', 'fast', 'fierce', 'gentle', 'golden', 'happy', 'hidden', 'jolly', 'keen', 'kind',
  'lively', 'lucky', 'mellow', 'mighty', 'misty', 'noble', 'polite', 'proud', 'quick', 'quiet',
  'rapid', 'rustic', 'shiny', 'silent', 'silver', 'sleek', 'smooth', 'snowy', 'solid', 'steady',
  'sunny', 'swift', 'tidy', 'vivid', 'warm', 'wild', 'wise', 'witty', 'young', 'zesty',
];
const ANIMALS = [
  'badger', 'bat', 'bear', 'beaver', 'bison', 'crane', 'crow', 'deer', 'dingo', 'dolphin',
  'eagle', 'falcon', 'ferret', 'finch', 'fox', 'gecko', 'goose', 'hare', 'hawk', 'heron',
  'ibis', 'jackal', 'koala', 'lemur', 'lion', 'lynx', 'marten', 'mole', 'moose', 'newt',
  'otter', 'owl', 'panda', 'puffin', 'quail', 'raven', 'robin', 'seal', 'shrew', 'sloth',
  'squid', 'stoat', 'swan', 'tapir', 'tiger', 'toad', 'trout', 'walrus', 'wolf', 'yak',
];

/** A readable random name such as `brave-otter-42` (50 × 50 × 100 combinations). */
export function randomRunName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${ANIMALS[randomInt(ANIMALS.length)]}-${randomInt(100)}`;
}

/**
 * A random name for which `taken` is false. After a few collisions the number
 * part grows, so this ends even in an experiment with thousands of runs.
 */
export function uniqueRunName(taken: (name: string) => boolean): string {
  for (let i = 0; i < 20; i++) {
    const name = randomRunName();
    if (!taken(name)) return name;
  }
  for (;;) {
    const name = `${randomRunName()}${randomInt(1000, 1_000_000)}`;
    if (!taken(name)) return name;
  }
}
