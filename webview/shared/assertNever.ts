/**
 * Ends an exhaustive `switch` over a message union: a message nobody handles
 * fails to compile. The one copy in the repository: import-free and DOM-free,
 * so the pages, the panel hosts and the trainer worker's IPC all use it.
 */
export function assertNever(value: never): never {
  throw new Error(`unexpected message: ${JSON.stringify(value)}`);
}
