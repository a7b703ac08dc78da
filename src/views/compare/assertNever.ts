/** Ends an exhaustive `switch` over a message union: a message nobody handles fails to compile. */
export function assertNever(value: never): never {
  throw new Error(`unexpected message: ${JSON.stringify(value)}`);
}
