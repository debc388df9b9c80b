// Where the real-data suites find their data: ICE_ARCHIVE_DIR (the archive of
// ICE's lists) and HISTORICAL_DIR (the historical sources), folders kept outside
// the repo (docs/operations.md). One place decides what happens when one
// is absent: on a developer's machine the suite is skipped, saying why; in CI
// (CI set) it fails, because a suite that silently skips where the merge is
// decided checks nothing while looking green.
export type RealDataVariable = 'ICE_ARCHIVE_DIR' | 'HISTORICAL_DIR';

export interface RealData {
  /** The folder, when there is one. */
  dir: string | undefined;
  /** A reason to skip (for tap's `skip`), or false when the folder is there. */
  skip: string | false;
}

const EXAMPLES: Record<RealDataVariable, string> = {
  ICE_ARCHIVE_DIR: '../shared/data/ice-287g',
  HISTORICAL_DIR: '../shared/data/historical',
};

/** The folder `variable` names; throws in CI when it is not set. */
export function realData(variable: RealDataVariable, environment: NodeJS.ProcessEnv = process.env): RealData {
  const dir = environment[variable] || undefined;
  if (dir) return { dir, skip: false };
  if (environment.CI) {
    throw new Error(
      `${variable} is not set and CI is: the real-data suites must run in CI, not skip (set ${variable}, e.g. ${variable}=${EXAMPLES[variable]})`,
    );
  }
  return {
    dir: undefined,
    skip: `${variable} is not set (e.g. ${variable}=${EXAMPLES[variable]}): the checks over the real data are skipped`,
  };
}
