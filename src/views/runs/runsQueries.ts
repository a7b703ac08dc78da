/**
 * The queries the Runs view sends to a run source, in the filter language
 * every source speaks (local SQL, or translated for MLflow): the user's
 * filter with "starred only", the user's sort with "starred first", and the
 * runs the view shows by id (to re-read them after a store change).
 */

/** The view's filter text: the user's, narrowed to starred runs when asked. */
export function viewFilterText(userFilter: string, starredOnly: boolean): string {
  const user = userFilter.trim();
  if (!starredOnly) return user;
  return user ? `(${user}) and attributes.starred = true` : 'attributes.starred = true';
}

/** The view's sort text: the user's (default newest first), starred runs first when asked. */
export function viewSortText(userSort: string, starredFirst: boolean): string {
  const user = userSort.trim() || 'attributes.start_time DESC';
  return starredFirst ? `attributes.starred DESC, ${user}` : user;
}

/**
 * A filter matching exactly these runs. Run ids are hex on both sources;
 * any other character is refused rather than quoted, so an id can never
 * change the meaning of the filter.
 */
export function runIdsFilter(ids: readonly string[]): string {
  for (const id of ids) if (!/^[0-9A-Za-z_-]+$/.test(id)) throw new Error(`not a run id: ${JSON.stringify(id)}`);
  return `attributes.id IN (${ids.map((id) => `'${id}'`).join(', ')})`;
}
