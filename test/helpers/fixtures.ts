// A small, scripted history ingested through the real ingestion, for API tests.
// Three participating lists and two pending lists:
//   2025-03-01  participating: Collier SO (TFM 2025-02-20, JEM 2019-06-01), Florida Highway Patrol (TFM),
//               Galveston SO (WSO), Houston PD (TFM); pending: Lubbock SO (TFM), Cobb SO (JEM)
//   2025-04-01  participating: Collier TFM renewed (signed 2025-03-15), Galveston WSO gone (ended),
//               Lubbock TFM signed (promoted from pending); pending: Cobb only
//   2025-05-01  participating: unchanged from April but Houston PD written "City of Houston Police Department"
//               (spelling drift: the same agency and name, a new alias)
import type pg from 'pg';
import { ingestList, type IngestReport } from '../../src/ingestion/ingest.ts';
import { buildList } from './build-list.ts';

export const PARTICIPATING_COLUMNS = [
  'STATE',
  'LAW ENFORCEMENT AGENCY',
  'TYPE',
  'COUNTY',
  'SUPPORT TYPE',
  'SIGNED',
  'MOA',
];
export const PENDING_COLUMNS = ['STATE', 'LAW ENFORCEMENT AGENCY', 'TYPE', 'COUNTY', 'SUPPORT TYPE'];

const moa = (name: string) => ({
  text: 'link',
  hyperlink: `https://www.ice.gov/doclib/about/offices/ero/287g/moa${name}.pdf`,
});
type Cell = string | Date | { text: string; hyperlink: string } | null;
const utc = (iso: string) => new Date(`${iso}T00:00:00Z`);

const collierTfm = (signed: string): Cell[] => [
  'FLORIDA',
  "Collier County Sheriff's Office",
  'County',
  'Collier County',
  'Task Force Model',
  utc(signed),
  moa(`collierTFM${signed}`),
];
const collierJem: Cell[] = [
  'FLORIDA',
  "Collier County Sheriff's Office",
  'County',
  'Collier County',
  'Jail Enforcement Model',
  utc('2019-06-01'),
  moa('collierJEM'),
];
const highwayPatrol: Cell[] = [
  'FLORIDA',
  'Florida Highway Patrol',
  'State Agency',
  '#N/A',
  'Task Force Model',
  utc('2025-02-26'),
  moa('fhp'),
];
const galveston: Cell[] = [
  'TEXAS',
  "Galveston County Sheriff's Office",
  'County',
  'Galveston County',
  'Warrant Service Officer',
  utc('2024-05-01'),
  moa('galveston'),
];
const houston = (name: string): Cell[] => [
  'TEXAS',
  name,
  'Municipality',
  'Harris County',
  'Task Force Model',
  utc('2025-02-28'),
  moa('houston'),
];
const lubbockSigned: Cell[] = [
  'TEXAS',
  "Lubbock County Sheriff's Office",
  'County',
  'Lubbock County',
  'Task Force Model',
  utc('2025-03-20'),
  moa('lubbock'),
];
const lubbockPending: Cell[] = [
  'TEXAS',
  "Lubbock County Sheriff's Office",
  'County',
  'Lubbock County',
  'Task Force Model',
];
const cobbPending: Cell[] = [
  'GEORGIA',
  "Cobb County Sheriff's Office",
  'County',
  'Cobb County',
  'Jail Enforcement Model',
];

export interface SeedList {
  fileName: string;
  columns: string[];
  rows: Cell[][];
}

export const SEED_LISTS: SeedList[] = [
  {
    fileName: 'participatingAgencies03012025pm.xlsx',
    columns: PARTICIPATING_COLUMNS,
    rows: [collierTfm('2025-02-20'), collierJem, highwayPatrol, galveston, houston('Houston Police Department')],
  },
  { fileName: 'pendingAgencies03012025pm.xlsx', columns: PENDING_COLUMNS, rows: [lubbockPending, cobbPending] },
  {
    fileName: 'participatingAgencies04012025pm.xlsx',
    columns: PARTICIPATING_COLUMNS,
    rows: [collierTfm('2025-03-15'), collierJem, highwayPatrol, houston('Houston Police Department'), lubbockSigned],
  },
  { fileName: 'pendingAgencies04012025pm.xlsx', columns: PENDING_COLUMNS, rows: [cobbPending] },
  {
    fileName: 'participatingAgencies05012025pm.xlsx',
    columns: PARTICIPATING_COLUMNS,
    rows: [
      collierTfm('2025-03-15'),
      collierJem,
      highwayPatrol,
      houston('City of Houston Police Department'),
      lubbockSigned,
    ],
  },
];

/** What the seeded history must answer, for assertions. */
export const SEED_FACTS = {
  latestListDate: '2025-05-01',
  /** Active and pending agreements on dates between the lists. */
  asOf: {
    '2025-03-15': { active: 5, pending: 2, ended: 0 },
    '2025-04-15': { active: 5, pending: 1, ended: 2 },
    '2025-05-15': { active: 5, pending: 1, ended: 2 },
  },
  activeByState: { FL: 3, TX: 2 },
  activeByModel: { task_force: 4, jail_enforcement: 1 },
  agreementCount: 8,
  agencyCount: 6,
  collierCountyFips: '12021',
  harrisCountyFips: '48201',
} as const;

export async function seedHistory(pool: pg.Pool, lists: SeedList[] = SEED_LISTS): Promise<IngestReport[]> {
  const reports: IngestReport[] = [];
  for (const list of lists) {
    const buffer = await buildList({ columns: list.columns, rows: list.rows });
    const report = await ingestList(pool, { buffer, fileName: list.fileName });
    if (report.outcome !== 'applied')
      throw new Error(`seed list ${list.fileName} was ${report.outcome}: ${report.reason}`);
    reports.push(report);
  }
  return reports;
}
