import type { ListKind, ModelCode } from '../../../domain/enums.ts';
export type { ListKind, ModelCode };

/** The TYPE column, read: ICE writes "County ", "Muncipality ", "State Agency", "State"... */
export type AgencyKind = 'county' | 'municipality' | 'state_agency' | 'state';

/** Canonical names of the columns ICE has used; `columns` in a ParsedList lists these, in sheet order. */
export type ColumnName = 'state' | 'agency' | 'type' | 'county' | 'model' | 'signed' | 'moa' | 'addendum';

export interface RowIssue {
  field: string;
  message: string;
  raw?: string;
}

export interface ParsedRow {
  /** 1-based sheet row number, for provenance. */
  rowNumber: number;
  /** Header (as written, trimmed) -> cell text as ICE wrote it; hyperlink cells are "text <url>". */
  raw: Record<string, string>;
  /** Postal code, e.g. 'TX', 'GU'; null if unrecognised (an issue is recorded). */
  state: string | null;
  stateRaw: string;
  /** The LAW ENFORCEMENT AGENCY cell exactly as ICE wrote it (stray spaces included). */
  agencyRaw: string;
  /** Whitespace collapsed and trimmed, curly quotes straightened, NBSP removed. */
  agencyName: string;
  /** The TYPE column as given, trimmed; null when the column is absent, the cell empty or an N/A marker. */
  agencyType: string | null;
  /** agencyType read into a closed set, typos included ("Muncipality"); null if absent or unrecognised. */
  agencyKind: AgencyKind | null;
  /** The COUNTY column cleaned; null for '#N/A', '#NA', 'N/A', empty or absent. Typos are kept as written. */
  county: string | null;
  model: ModelCode | null;
  modelRaw: string;
  /** 'YYYY-MM-DD' or null. */
  signedOn: string | null;
  /** The hyperlink behind the MOA cell (or the URL written in it), unwrapped; null for 'link pending' or empty. */
  moaUrl: string | null;
  /** The MOA cell said 'link pending'. */
  moaPending: boolean;
  addendumUrl: string | null;
  /** The ADDENDUM cell said 'link pending'. */
  addendumPending: boolean;
  /** Every normalization that was a guess or failed. */
  issues: RowIssue[];
}

export interface ParsedList {
  /** Of the file bytes, hex. */
  sha256: string;
  fileName: string | null;
  /** From the file name when it says (participatingAgencies*, pendingAgencies*), else null. */
  kind: ListKind | null;
  /** From the columns: SIGNED and MOA => participating; no SIGNED => pending; otherwise null. */
  contentKind: ListKind | null;
  /** From the file name (listDateFromFileName), 'YYYY-MM-DD'. */
  listDate: string | null;
  /** 'am' | 'pm' | 'mid' | 'HH:MM' when the file name says. */
  listTime: string | null;
  /** The file name carries a 14-digit timestamp (a web-archive capture or download time) rather than ICE's own MMDDYYYY date. */
  listDateIsTimestamp: boolean;
  /** Name of the worksheet the rows come from. */
  sheetName: string;
  /** 1-based. */
  headerRow: number;
  /** Canonical column names found, in sheet order. */
  columns: string[];
  /** Data rows only; empty and formatted-but-empty rows are dropped. */
  rows: ParsedRow[];
  /** Max signedOn over rows. */
  latestSignedOn: string | null;
  /** List-level oddities, one line each. */
  warnings: string[];
}

export interface ParseOptions {
  fileName?: string;
  /** Sum of the uncompressed sizes of the zip's entries; default 200 MB. */
  maxUncompressedBytes?: number;
  /** Default 50 MB. */
  maxFileBytes?: number;
}
