// The 287(g) support models ("SUPPORT TYPE" in ICE's lists). A date is filled
// only where a source gives the day; otherwise it stays null and the
// description says the year, because '2012-01-01' would claim a day nobody
// recorded.
import type { ModelCode } from '../domain/enums.ts';

export interface SupportModelRecord {
  code: ModelCode;
  name: string;
  abbreviation: string;
  description: string;
  introducedOn: string | null;
  suspendedOn: string | null;
  reinstatedOn: string | null;
  sourceUrl: string;
}

const ICE_287G_PAGE = 'https://www.ice.gov/identify-and-arrest/287g';

export const SUPPORT_MODELS: readonly SupportModelRecord[] = [
  {
    code: 'jail_enforcement',
    name: 'Jail Enforcement Model',
    abbreviation: 'JEM',
    description:
      'Designated officers identify and process removable noncitizens with criminal or pending criminal charges ' +
      "who are arrested and booked into the agency's jail. The first 287(g) agreement of any model was signed in 2002 " +
      '(GAO-09-109). From 2013 until 2019 it was the only model ICE offered.',
    introducedOn: null,
    suspendedOn: null,
    reinstatedOn: null,
    sourceUrl: ICE_287G_PAGE,
  },
  {
    code: 'task_force',
    name: 'Task Force Model',
    abbreviation: 'TFM',
    description:
      'Designated officers enforce limited immigration authority, with ICE oversight, during routine police duties ' +
      'such as traffic stops. ICE let every task force agreement lapse at the end of 2012, after Justice Department ' +
      'racial-profiling findings (Maricopa County, AZ, 2011) and its own view that the model was less efficient. ' +
      'It stayed out of use through the 2017–2020 expansion, which GAO-21-186 describes as jail and warrant service ' +
      'agreements only, and returned in 2025 after Executive Order 14159 of January 20, 2025; it became the largest ' +
      'model that year.',
    introducedOn: null,
    suspendedOn: null,
    reinstatedOn: null,
    sourceUrl: ICE_287G_PAGE,
  },
  {
    code: 'warrant_service_officer',
    name: 'Warrant Service Officer',
    abbreviation: 'WSO',
    description:
      "Designated officers serve and execute ICE administrative warrants on noncitizens in the agency's jail, and " +
      'only there; they do not question people about citizenship or removability. ICE announced the model on ' +
      'May 6, 2019, at a signing with the Pinellas County (FL) Sheriff.',
    introducedOn: '2019-05-06',
    suspendedOn: null,
    reinstatedOn: null,
    sourceUrl: 'https://www.ice.gov/news/releases/ice-launches-program-strengthen-immigration-enforcement',
  },
  {
    code: 'jail_and_task_force',
    name: 'Jail & Task Force',
    abbreviation: 'JEM/TFM',
    description:
      'Historical: one agreement covering both jail enforcement and task force duties. It appears in ICE lists ' +
      'from before the task force model lapsed at the end of 2012 and in no list since.',
    introducedOn: null,
    suspendedOn: null,
    reinstatedOn: null,
    sourceUrl: ICE_287G_PAGE,
  },
  {
    code: 'unstated',
    name: 'Model not stated',
    abbreviation: 'unstated',
    description:
      "Historical sources only: ICE's 287(g) page of 2007–2008 and its archive of MOAs name agencies without " +
      'the model. An agreement known only from such a source keeps this code rather than a guessed model; no ICE ' +
      'list since 2021 uses it.',
    introducedOn: null,
    suspendedOn: null,
    reinstatedOn: null,
    sourceUrl: ICE_287G_PAGE,
  },
];
