// The states, DC and the territories ICE lists or could list. Postal codes and
// 2-digit FIPS codes are the Census Bureau's (https://www.census.gov/library/reference/code-lists/ansi.html).
export interface StateRecord {
  code: string;
  name: string;
  fips: string;
  isTerritory: boolean;
}

const state = (code: string, name: string, fips: string, isTerritory = false): StateRecord => ({
  code,
  name,
  fips,
  isTerritory,
});

export const STATES: readonly StateRecord[] = [
  state('AL', 'Alabama', '01'),
  state('AK', 'Alaska', '02'),
  state('AZ', 'Arizona', '04'),
  state('AR', 'Arkansas', '05'),
  state('CA', 'California', '06'),
  state('CO', 'Colorado', '08'),
  state('CT', 'Connecticut', '09'),
  state('DE', 'Delaware', '10'),
  state('DC', 'District of Columbia', '11'),
  state('FL', 'Florida', '12'),
  state('GA', 'Georgia', '13'),
  state('HI', 'Hawaii', '15'),
  state('ID', 'Idaho', '16'),
  state('IL', 'Illinois', '17'),
  state('IN', 'Indiana', '18'),
  state('IA', 'Iowa', '19'),
  state('KS', 'Kansas', '20'),
  state('KY', 'Kentucky', '21'),
  state('LA', 'Louisiana', '22'),
  state('ME', 'Maine', '23'),
  state('MD', 'Maryland', '24'),
  state('MA', 'Massachusetts', '25'),
  state('MI', 'Michigan', '26'),
  state('MN', 'Minnesota', '27'),
  state('MS', 'Mississippi', '28'),
  state('MO', 'Missouri', '29'),
  state('MT', 'Montana', '30'),
  state('NE', 'Nebraska', '31'),
  state('NV', 'Nevada', '32'),
  state('NH', 'New Hampshire', '33'),
  state('NJ', 'New Jersey', '34'),
  state('NM', 'New Mexico', '35'),
  state('NY', 'New York', '36'),
  state('NC', 'North Carolina', '37'),
  state('ND', 'North Dakota', '38'),
  state('OH', 'Ohio', '39'),
  state('OK', 'Oklahoma', '40'),
  state('OR', 'Oregon', '41'),
  state('PA', 'Pennsylvania', '42'),
  state('RI', 'Rhode Island', '44'),
  state('SC', 'South Carolina', '45'),
  state('SD', 'South Dakota', '46'),
  state('TN', 'Tennessee', '47'),
  state('TX', 'Texas', '48'),
  state('UT', 'Utah', '49'),
  state('VT', 'Vermont', '50'),
  state('VA', 'Virginia', '51'),
  state('WA', 'Washington', '53'),
  state('WV', 'West Virginia', '54'),
  state('WI', 'Wisconsin', '55'),
  state('WY', 'Wyoming', '56'),
  state('AS', 'American Samoa', '60', true),
  state('GU', 'Guam', '66', true),
  state('MP', 'Northern Mariana Islands', '69', true),
  state('PR', 'Puerto Rico', '72', true),
  state('VI', 'U.S. Virgin Islands', '78', true),
];

const fold = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/[^a-zA-Z0-9]/g, '')
    .toUpperCase();

const BY_KEY = new Map<string, StateRecord>();
for (const record of STATES) {
  BY_KEY.set(record.code, record);
  BY_KEY.set(record.fips, record);
  BY_KEY.set(fold(record.name), record);
}
// Other spellings people (and ICE) use.
for (const [alias, code] of [
  ['WASHINGTONDC', 'DC'],
  ['DISTRICTOFCOLUMBIA', 'DC'],
  ['COMMONWEALTHOFTHENORTHERNMARIANAISLANDS', 'MP'],
  ['CNMI', 'MP'],
  ['USVIRGINISLANDS', 'VI'],
  ['UNITEDSTATESVIRGINISLANDS', 'VI'],
  ['VIRGINISLANDS', 'VI'],
] as const) {
  BY_KEY.set(alias, BY_KEY.get(code)!);
}

/** A state by postal code, 2-digit FIPS (or 1-digit, e.g. "6") or name, in any case and spacing. */
export function findState(input: string): StateRecord | undefined {
  const trimmed = input.trim();
  if (/^\d{1,2}$/.test(trimmed)) return BY_KEY.get(trimmed.padStart(2, '0'));
  return BY_KEY.get(fold(trimmed));
}
