/**
 * Runs logged from a Jupyter notebook by the Python helper (python/runlens_notebook.py): the tag naming the
 * notebook, the artifact holding its snapshot, and where the notebook is now. No imports: the Runs view,
 * the presenters and their plain-Node tests share it.
 */

/** The tag holding the notebook's absolute path, as the kernel saw it. */
export const NOTEBOOK_TAG = 'runlens.notebook';

/** The artifact folder of the notebook's snapshot (`notebook/<name>.ipynb`, stored when the run ends). */
export const NOTEBOOK_SNAPSHOT_DIR = 'notebook';

/** The notebook a run came from (its tag), or undefined for a run that did not come from one. */
export function runNotebook(run: { readonly tags?: Readonly<Record<string, string>> }): string | undefined {
  const path = run.tags?.[NOTEBOOK_TAG]?.trim();
  return path ? path : undefined;
}

/** The path of the snapshot artifact of the notebook at `notebookPath`. */
export function notebookSnapshotPath(notebookPath: string): string {
  return `${NOTEBOOK_SNAPSHOT_DIR}/${notebookPath.split(/[\\/]/).pop()}`;
}

/**
 * Where the notebook of a run is on this machine: the recorded path when it exists, else the longest tail of
 * it that exists under one of the workspace folders (the project moved, or was cloned elsewhere:
 * `/home/a/proj/nb/x.ipynb` is found as `<folder>/nb/x.ipynb`, before `<folder>/x.ipynb`). Undefined when
 * neither exists.
 */
export function locateNotebook(recorded: string, folders: readonly string[], exists: (path: string) => boolean): string | undefined {
  if (exists(recorded)) return recorded;
  const parts = recorded.split(/[\\/]/).filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const tail = parts.slice(i).join('/');
    for (const folder of folders) {
      const candidate = `${folder.replace(/[\\/]+$/, '')}/${tail}`;
      if (exists(candidate)) return candidate;
    }
  }
  return undefined;
}
