// The agreement record, as REST, CSV, GraphQL's repositories and the release see it.
import { z } from 'zod';
import { AgreementOriginSchema, AgreementStatusSchema, ModelCodeSchema } from '../domain/enums.ts';
import { AGENCY_FIELDS } from './agency.ts';
import { DATE, fieldAs, type RecordField, UPDATED_AT_FIELD } from './record.ts';

export const AGREEMENT_FIELDS = [
  { name: 'id', type: 'string', schema: z.string(), description: 'Stable agreement id.' },
  { name: 'agency_id', type: 'string', schema: z.string(), description: 'Id of the agency that holds the agreement.' },
  {
    name: 'agency_name',
    type: 'string',
    schema: z.string(),
    description: "The agency's name (see its aliases for other spellings).",
  },
  fieldAs(AGENCY_FIELDS, 'type', 'agency_type', 'Kind of agency.'),
  fieldAs(AGENCY_FIELDS, 'level', 'agency_level', 'Level of government of the agency.'),
  fieldAs(AGENCY_FIELDS, 'state', 'state', "USPS code of the agency's state or territory."),
  fieldAs(
    AGENCY_FIELDS,
    'county_fips',
    'county_fips',
    "5-digit FIPS code of the agency's county (null for statewide or unplaced agencies).",
  ),
  fieldAs(
    AGENCY_FIELDS,
    'ori',
    'agency_ori',
    "The agency's FBI ORI code, where its match to the FBI's roster is sure (see the agency's ori_match); else null.",
  ),
  { name: 'model', type: 'string', schema: ModelCodeSchema, description: 'Support model of the agreement.' },
  {
    name: 'status',
    type: 'string',
    schema: AgreementStatusSchema,
    description:
      'pending (applied, not yet signed), active (on the participating list), ended (a signed agreement no longer listed or renewed) or withdrawn (an application that left the pending list unsigned); on as_of when given.',
  },
  {
    name: 'signed_on',
    type: 'date',
    schema: DATE,
    nullable: true,
    description: 'Date the current agreement was signed, as the list gives it.',
  },
  {
    name: 'first_listed_on',
    type: 'date',
    schema: DATE,
    nullable: true,
    description: 'Date of the first ICE list (either kind) that showed the agreement.',
  },
  {
    name: 'last_listed_on',
    type: 'date',
    schema: DATE,
    nullable: true,
    description: 'Date of the last ICE list that showed it.',
  },
  {
    name: 'ended_on',
    type: 'date',
    schema: DATE,
    nullable: true,
    description:
      'Date of the first list that no longer showed it: the participating list for an ended agreement, the pending list for a withdrawn application (null unless ended or withdrawn).',
  },
  {
    name: 'moa_url',
    type: 'string',
    schema: z.string(),
    nullable: true,
    description: 'Link to the memorandum of agreement, as ICE published it.',
  },
  {
    name: 'addendum_url',
    type: 'string',
    schema: z.string(),
    nullable: true,
    description: 'Link to the addendum, when ICE published one.',
  },
  {
    name: 'supersedes_id',
    type: 'string',
    schema: z.string(),
    nullable: true,
    description: 'The agreement this one replaced when the agency re-signed (a renewal).',
  },
  {
    name: 'origin',
    type: 'string',
    schema: AgreementOriginSchema,
    description:
      'ice_lists (ICE\'s lists, 2021 on) or historical (known from the sources of 2007–2020: README "Before 2021").',
  },
  {
    name: 'ended_after',
    type: 'date',
    schema: DATE,
    nullable: true,
    description: "Historical agreements absent from ICE's first list: ended after this day (its last sighting)…",
  },
  {
    name: 'ended_before',
    type: 'date',
    schema: DATE,
    nullable: true,
    description: '…and before this one (that first list). A window, not a day; null otherwise.',
  },
  UPDATED_AT_FIELD,
] as const satisfies readonly RecordField[];

/** An agreement's dates and documents in camelCase: GraphQL's Agreement and the ingestion planner's state hold them. */
export interface AgreementDatesAndDocuments {
  signedOn: string | null;
  firstListedOn: string | null;
  lastListedOn: string | null;
  endedOn: string | null;
  moaUrl: string | null;
  addendumUrl: string | null;
}
