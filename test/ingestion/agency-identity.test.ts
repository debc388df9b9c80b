// Agency identity on names ICE really published (see the archive of its lists):
// the same agency under drifted spellings must share one key, different agencies
// must not, and every reviewed override must still be valid and do something.
import t from 'tap';
import {
  agencyMatchKey,
  agencyMatchKeyWithoutOverrides,
  AgencyOverridesFileSchema,
  agencySearchKey,
  displayName,
  agencyOverrides,
  canonicalAgencyName,
  classifyAgency,
  isLikelySameAgency,
  loadAgencyOverridesFile,
  resolvedAgencyName,
} from '../../src/domain/agency-names.ts';
import { findState } from '../../src/domain/states.ts';

t.test('display names: whitespace, quotes and stray capitals cleaned, the rest as ICE wrote it', async (t) => {
  const cases: [string, string][] = [
    ['Hardee County Sheriff\u2019s Office', "Hardee County Sheriff's Office"],
    ["Autauga County Sheriff's Office ", "Autauga County Sheriff's Office"],
    ['Kansas  Bureau Of Investigation', 'Kansas Bureau Of Investigation'],
    [
      ' Florida Department of Financial Services , Criminal Investigation Division,',
      'Florida Department of Financial Services, Criminal Investigation Division',
    ],
    [
      'Rappahannok,Shenandoah, Warren Regional Jail Authority',
      'Rappahannok, Shenandoah, Warren Regional Jail Authority',
    ],
    [
      'Okaloosa County Board of County Commissioners/ Department of Corrections ',
      'Okaloosa County Board of County Commissioners / Department of Corrections',
    ],
    [
      'Department of Public Safety- Criminal Investigations Division ',
      'Department of Public Safety - Criminal Investigations Division',
    ],
    ["Rutherford COunty Sheriff's Office ", "Rutherford County Sheriff's Office"],
    ["Somerset County District Attorney'S Office", "Somerset County District Attorney's Office"],
    ['Shenandoah Borough Police\u00a0Department', 'Shenandoah Borough Police Department'],
    ["DeKalb County Sheriff's Office", "DeKalb County Sheriff's Office"],
    ["McCracken County Sheriff's Office", "McCracken County Sheriff's Office"],
    ["Miami-Dade Sheriff's Office", "Miami-Dade Sheriff's Office"],
  ];
  for (const [raw, expected] of cases) t.equal(canonicalAgencyName(raw), expected, JSON.stringify(raw));
});

// Each group: spellings of one agency found in the archive, in one state.
const SAME_AGENCY: [string, string[]][] = [
  [
    'FL',
    [
      "Hillsborough County Sheriff's Office",
      'Hillsborough County Sheriff\u2019s Office',
      "Hillsborough County Sheriff's Office ",
    ],
  ],
  ['FL', ['Fort Myers Police Department', 'Ft. Myers Police Department']],
  [
    'FL',
    ["St Johns County Sheriff's Office", "St. Johns County Sheriff's Office", "Saint Johns County Sheriff's Office"],
  ],
  ['FL', ['Tampa PD', 'Tampa Police Department', 'City of Tampa Police Dept.']],
  ['FL', ['Hialeah Police Department', 'City of Hialeah Police Department']],
  ['FL', ['Palm Beach Police Department', 'Town of Palm Beach Police Department']],
  ['FL', ['Indian River Shores DPS', 'Indian River Shores Department of Public Safety']],
  ['FL', ['Gulf County BOCC', 'Gulf County Board of County Commissioners']],
  ['FL', ["Miami Dade Sheriff's Office", "Miami-Dade Sheriff's Office"]],
  ['FL', ['Florida Fish & Wildlife Conservation Commission', 'Florida Fish and Wildlife Conservation Commission']],
  ['FL', ["Sewall's Point Police Department", 'Sewalls Point Police Department']],
  ['FL', ['Alachua Police Departent ', 'Alachua Police Department']],
  ['FL', ['New Port Richey Polce Department', 'New Port Richey Police Department']],
  ['TX', ['La Vernia Police Deparment', 'La Vernia Police Department']],
  [
    'FL',
    [
      'Office of the State Attorney Sixth Judicial Circuit',
      'Office of the State Attorney, Sixth Judicial Circuit',
      'Office of the State Attorney Sixth Judical Circuit',
    ],
  ],
  ['AL', ["Jackson's Gap Police Department", 'Jacksons Gap Police Department']],
  ['AL', ["DeKalb County Sheriff's Office", "Dekalb County Sheriff's Office"]],
  [
    'AR',
    [
      "Pulaski County Sheriff's Department",
      "Pulaski County Sheriff's Office",
      'Pulaski County Sheriffs Office',
      'Pulaski County Sheriff Office',
      'Pulaski Co. S.O.',
    ],
  ],
  ['AR', ['Arkansas State Police', 'Arkansas State Police Department']],
  [
    'AR',
    [
      'Department of Public Safety-Crime Information Center',
      'Arkansas Department of Public Safety-Crime Information Center',
    ],
  ],
  ['MS', ['Department of Public Safety', 'Mississippi Department of Public Safety ']],
  [
    'TX',
    ['Department of Public Safety - Texas Highway Patrol', 'Texas Department of Public Safety - Texas Highway Patrol'],
  ],
  ['TX', ['Office of the Attorney General', 'Texas Office of the Attorney General']],
  ['TX', ["Dimmit Couny Sheriff's Office ", "Dimmit County Sheriff's Office "]],
  [
    'TX',
    [
      "Galveston County Constable's Office Pct.1",
      'Galveston County Constable Precinct 1',
      'Galveston County Constable Precinct No. 1',
    ],
  ],
  ['VA', ['Department of Corrections', 'Virginia Department of Corrections']],
  ['VA', ['Department of State Police', 'Virginia Department of State Police']],
  ['AK', ['Department of Corrections', 'Alaska Department of Corrections']],
  ['MT', ['MT Dept of Justice', 'Montana Department of Justice']],
  ['MP', ['CNMI Department of Corrections', 'Department of Corrections']],
  ['IA', ['Iowa Dept. of Public Safety', 'Iowa Department of Public Safety']],
  ['KS', ["Phillip's County Sheriff's Department", "Phillips County Sheriff's Department"]],
  ['LA', ["Lafourche County Sheriff's Office", "Lafourche Parish Sheriff's Office"]],
  ['LA', ['Arnaudville Police Department, LA', 'Arnaudville Police Department']],
  ['MI', ["Berrian County Sheriff's Offic", "Berrian County Sheriff's Office"]],
  ['MO', ["Christian County Sherrif's Office ", "Christian County Sheriff's Office"]],
  ['NJ', ["Monmouth County Sheriff's Office (Addendum)", "Monmouth County Sheriff's Office"]],
  ['NY', ["Cattaraugus Counry Sheriff's Office ", "Cattaraugus County Sheriff's Office "]],
  ['OK', ["Texas County's Sheriff's Office ", "Texas County Sheriff's Office "]],
  ['PA', ["Addison Borough Constable's Office, PA", "Addison Borough Constable's Office"]],
  [
    'PA',
    [
      "Coolspring Township Constable's Office",
      'Coolspring Township Constables Office ',
      'Coolspring Township Constbales Office',
    ],
  ],
  [
    'PA',
    [
      'Lower Burrell Fourth Ward Constable',
      "Lower Burrell Fourth Ward Constable's Office",
      'Lower Burrell 4th Ward Constable',
    ],
  ],
  ['PA', ['Quarryville Police Department', 'Quarryville Borough Police Department']],
  ['TN', ["Rutherford COunty Sheriff's Office ", "Rutherford County Sheriff's Office "]],
  ['WI', ["Waukesha County Sheriff's Department", "Waukesha County Sheriff's Office"]],
  // Reviewed overrides (agency-overrides.json) fold through the same function.
  ['FL', ['Boca Raton Police Department', 'Boca Raton Police Services Department']],
  [
    'FL',
    [
      'Okaloosa County Department of Corrections',
      'Okaloosa County Board of County Commissioners/ Department of Corrections ',
      'Okaloosa County Board of County Commissioners',
    ],
  ],
  ['FL', ["Waria-labelon County Sheriff's Office", "Walton County Sheriff's Office"]],
  ['LA', ['Louisiana State Patrol', 'Louisiana State Police Department']],
  ['MN', ["Freedom County Sheriff's Office", "Freeborn County Sheriff's Office"]],
  [
    'TN',
    [
      'Tennessee State Constable 4th District Polk County',
      'Tennessee State Constable 4th District ',
      'Polk County Constable District 4',
    ],
  ],
];

t.test(
  'the display-name rule: the most recent spelling unless a fuller one of the same name is an alias',
  async (t) => {
    // [most recent spelling, the other aliases, the display name] (issue 11's cases, spelled as ICE printed them).
    const cases: [string, string[], string][] = [
      ['Tampa PD', ['Tampa Police Department'], 'Tampa Police Department'],
      ['Gulfport PD', ['Gulfport Police Department'], 'Gulfport Police Department'],
      ['Kenneth City PD', ['Kenneth City Police Department'], 'Kenneth City Police Department'],
      [
        'Panama City Police Dept.',
        ['Panama City Police Department', 'Panama City Beach Police Department'],
        'Panama City Police Department',
      ],
      ['New Port Richey Polce Department', ['New Port Richey Police Department'], 'New Port Richey Police Department'],
      ['Tampa PD', ['Port Tampa Bay Police Department'], 'Tampa PD'],
      ['City of Houston Police Department', ['Houston Police Department'], 'City of Houston Police Department'],
      ['Hillsborough Co. S.O.', ["Hillsborough County Sheriff's Office"], "Hillsborough County Sheriff's Office"],
      ['St. Cloud Police Department', ['Saint Cloud Police Department'], 'St. Cloud Police Department'],
    ];
    for (const [recent, aliases, expected] of cases)
      t.equal(displayName(recent, aliases, 'FL'), expected, `${recent} (aliases ${aliases.join('; ')})`);
  },
);

t.test('search keys fold case, punctuation, spacing and abbreviations, but not places', async (t) => {
  const same: [string, string][] = [
    ['Gulf County Board of County Commissioners /Detention Facility ', 'gulf county bocc / detention facility'],
    ['Tampa PD', 'TAMPA POLICE DEPT.'],
    ["Hillsborough County Sheriff's Office", 'Hillsborough Co. SO'],
    [
      'Criminal Investigation Division , Department of Financial Services,',
      'criminal investigation division, department of financial services',
    ],
  ];
  for (const [a, b] of same) t.equal(agencySearchKey(a), agencySearchKey(b), `${a} ~ ${b}`);
  t.not(agencySearchKey('Tampa Police Department'), agencySearchKey("Tampa Sheriff's Office"));
});

t.test('drifted spellings of one agency share one match key', async (t) => {
  for (const [state, names] of SAME_AGENCY) {
    const keys = new Set(names.map((name) => agencyMatchKey(name, state)));
    t.equal(keys.size, 1, `${state}: ${names.join(' | ')} -> ${[...keys].join(' | ')}`);
  }
});

// Pairs in one state that are different agencies.
const DIFFERENT_AGENCIES: [string, string, string][] = [
  ['FL', "Lake County Sheriff's Office", 'Lake County Police Department'],
  ['NY', "Nassau County Sheriff's Office", 'Nassau County Police Department'],
  ['FL', "Alachua County Sheriff's Office", 'Alachua Police Department'],
  ['AL', "Cherokee County Sheriff's Office", 'Cherokee Police Department'],
  ['MO', "Ste. Genevieve County Sheriff's Office", 'Ste. Genevieve Police Department'],
  ['FL', 'Palm Beach Police Department', 'Palm Beach Gardens Police Department'],
  ['FL', 'Palm Beach Police Department', 'West Palm Beach Police Department'],
  ['FL', "Palm Beach County Sheriff's Office", 'Palm Beach Police Department'],
  ['FL', 'Cocoa Police Department', 'Cocoa Beach Police Department'],
  ['FL', 'Pembroke Park Police Department', 'Pembroke Pines Police Department'],
  ['FL', 'Indian River Shores Department of Public Safety', 'Indian Shores Police Department'],
  ['FL', "Escambia County Sheriff's Office", 'Escambia County Board of County Commissioners'],
  ['FL', 'Orange County Corrections Department', "Orange County Sheriff's Office"],
  ['PA', 'Mahanoy City Borough Police Department', 'Mahanoy Township Police Department'],
  ['PA', "Lebanon County District Attorney's Office", "Lebanon County Sheriff's Office "],
  ['TX', "Galveston County Constable's Office Pct.1", "Galveston County Constable's Office Pct.4"],
  ['TX', 'Freestone County Constable Precinct 2', 'Freestone County Constable Precinct 3'],
  ['TN', 'Bradley County Constable District 1', 'Bradley County Constable District 6'],
  [
    'TX',
    'Texas Department of Public Safety - Texas Highway Patrol',
    'Texas Department of Public Safety- Criminal Investigations Division ',
  ],
  ['VA', 'Virginia Department of Corrections', 'Virginia DOC Law Enforcement Services'],
  ['VA', "Hopewell County Sheriff's Office", "Richmond County Sheriff's Office"],
  ['AR', 'Arkansas Department of Public Safety', 'Arkansas Department of Public Safety-Crime Information Center'],
  ['FL', 'Florida Department of Corrections', 'Miami-Dade Corrections and Rehabilitation'],
];

t.test('different agencies keep different keys', async (t) => {
  for (const [state, a, b] of DIFFERENT_AGENCIES) {
    t.not(agencyMatchKey(a, state), agencyMatchKey(b, state), `${state}: ${a} vs ${b}`);
  }
});

t.test("a state's name is dropped only where it prefixes a state agency", async (t) => {
  t.match(agencyMatchKey("Texas County Sheriff's Office", 'OK'), /^TEXAS COUNTY/, 'Texas County, Oklahoma');
  t.match(agencyMatchKey("Utah County Sheriff's Office", 'UT'), /^UTAH COUNTY/, 'Utah County, Utah');
  t.match(agencyMatchKey('Virginia Beach Police Department', 'VA'), /^VIRGINIA BEACH/);
  t.match(agencyMatchKey('Oklahoma City Police Department', 'OK'), /^OKLAHOMA CITY/);
  t.match(agencyMatchKey('Gaines Township PA State Constable', 'PA'), / PA /, 'a PA inside the name stays');
  t.equal(agencyMatchKey('Texas National Guard', 'TX'), 'NATIONAL GUARD');
  t.equal(
    agencyMatchKey('Texas National Guard', 'OK'),
    'TEXAS NATIONAL GUARD',
    "another state's name is part of the name",
  );
  t.equal(agencyMatchKey('Idaho State Police', 'ID'), agencyMatchKey('State Police', 'ID'));
});

t.test('classification for every TYPE value ICE used, and where the name overrides it', async (t) => {
  const cases: [string, string | null, string, string][] = [
    ["Harris County Sheriff's Office", 'County', 'sheriffs_office', 'county'],
    ["Autauga County Sheriff's Office ", 'County ', 'sheriffs_office', 'county'],
    ['Houston Police Department', 'Municipality', 'police_department', 'municipal'],
    ['Texarkana Police Department', 'Municipal', 'police_department', 'municipal'],
    ['Elberta Police Department ', 'Muncipality ', 'police_department', 'municipal'],
    ['Florida Department of Law Enforcement', 'State Agency', 'state_agency', 'state'],
    ['Mississippi Office of the State Auditor', 'State', 'state_agency', 'state'],
    ['Louisiana Department of Public Safety & Corrections', '#NA', 'corrections', 'state'],
    ["Culpeper County Sheriff's Office", null, 'sheriffs_office', 'county'],
    ['Criminal Investigation Division, Department of Financial Services', null, 'state_agency', 'state'],
    ['Florida Department of Corrections', 'State Agency', 'corrections', 'state'],
    ['Miami-Dade Corrections and Rehabilitation', 'County', 'corrections', 'county'],
    ['Bullitt County Detention Center', 'County', 'corrections', 'county'],
    ['Albemarle District Jail', 'County', 'corrections', 'county'],
    ['Pasco County Board of County Commissioners/ Pasco County Corrections ', 'County', 'county_government', 'county'],
    ['County of Franklin / Franklin County Jail ', 'County', 'county_government', 'county'],
    ["Lancaster County District Attorney's Office ", 'County ', 'other', 'county'],
    ['Bexar County Constable Precinct 3', 'Municipality', 'other', 'county'],
    ["Shohola Township Constable's Office", 'Municipality', 'other', 'municipal'],
    ["Ward 5 Marshal's Office", 'Municipality', 'police_department', 'municipal'],
    ['Nassau County Police Department', 'County', 'police_department', 'county'],
    // ICE's TYPE is wrong or flips between lists for these; the name decides.
    ["Washington County Sheriff's Office ", 'Municipality ', 'sheriffs_office', 'county'],
    ["Hopewell Sheriff's Office", 'Municipality', 'sheriffs_office', 'county'],
    ['Indiana State Police Department', 'Municipality', 'state_agency', 'state'],
    ['West Virginia State Police Department', 'Municipality', 'state_agency', 'state'],
    ['Louisiana Alcohol and Tobacco Control', 'Municipality', 'state_agency', 'state'],
    ['City of Miami Police Department ', 'State Agency', 'police_department', 'municipal'],
    ['Stamford Police Department', 'County', 'police_department', 'municipal'],
    ['Yoakum Police Department', 'County', 'police_department', 'municipal'],
    ['Wicomico County Corrections Center', 'State', 'corrections', 'county'],
    ['Center Line Division of Public Safety and Security ', 'State', 'police_department', 'municipal'],
    ['Rappahannock, Shenandoah, Warren Regional Jail Authority', 'Municipality', 'corrections', 'county'],
    ['University of Florida Police Department', 'State Agency', 'police_department', 'municipal'],
    ['University of Florida Police Department', 'Municipality', 'police_department', 'municipal'],
    ['Pennsylvania State Constable Office Honey Brook Precinct 1', 'Municipality', 'other', 'municipal'],
  ];
  for (const [name, typeColumn, type, level] of cases) {
    t.same(classifyAgency(name, typeColumn), { type, level }, `${name} (${typeColumn})`);
  }
});

t.test('second-stage similarity: typos of one agency yes, neighbours no', async (t) => {
  const likely: [string, string][] = [
    ["Lampasas County Sheriff's Office", "Lampass County Sheriff's Office"],
    ["Calcasieu Parish Sheriff's Office", "Calacasieu Parish Sheriff's Office"],
    ["Douglas County Sheriff's Office ", "Dogulas County Sheriff's Office "],
    ["Manitowoc County Sheriff's Office", "Mantiowoc County Sheriff's Office"],
    ["Minnehaha County Sheriff's Office", "Minehaha County Sheriff's Office"],
    ["Lyon County Sheriff's Office", "Lyon's County Sheriff's Office"],
    ['Barnsdall Police Department', 'Barndall Police Department'],
    ['Centerville Police Department', 'Centervillle Police Department'],
    ['South Pymatuning TWP State Constable', 'South Pymathuning TWP State Constable'],
    ['Constable Unity Township', 'Unity Township Constable, PA'],
    ["Hopewell County Sheriff's Office", "Hopewell Sheriff's Office"],
    ['Wyoming State Highway Patrol ', 'Wyoming Highway State Patrol '],
    [
      'Tennessee Department of Safety and Homeland Security ',
      'Tennessee Department of Safety and Homeland Security / THP',
    ],
    ['Miami-Dade Corrections and Rehabilitation', 'Miami-Dade County Corrections and Rehabilitation '],
    [
      'Florida Department of Financial Services, Criminal Investigation Division',
      'Criminal Investigation Division, Department of Financial Services ',
    ],
  ];
  for (const [a, b] of likely) t.ok(isLikelySameAgency(a, b), `${a} ~ ${b}`);
  const unlikely: [string, string][] = [
    ["Alachua County Sheriff's Office", 'Alachua Police Department'],
    ['Pembroke Park Police Department', 'Pembroke Pines Police Department'],
    ['Mahanoy City Borough Police Department', 'Mahanoy Township Police Department'],
    ['Palm Beach Police Department', 'Palm Beach Gardens Police Department'],
    ['Cocoa Police Department', 'Cocoa Beach Police Department'],
    ['Galveston County Constable Precinct 2', "Galveston County Constable's Office Pct.4"],
    ['Monroeville Constable Office, PA', 'Office of Constable Monroeville 6th Ward'],
    ["Moore County Sheriff's Office", "Metropolitan Moore County Sheriff's Office "],
    [
      'Florida Department of Environmental Protection',
      'Florida Department of Environmental Protection, Division of Law Enforcement',
    ],
    ['University of West Florida Board of Trustees', 'University of West Florida Police Department'],
    [
      'Okaloosa County Board of County Commissioners',
      'Okaloosa County Board of County Commissioners/ Department of Corrections ',
    ],
  ];
  for (const [a, b] of unlikely) t.notOk(isLikelySameAgency(a, b), `${a} !~ ${b}`);
  // Spelling alone cannot tell Coke from Cooke County: callers compare only agencies of one county.
  t.ok(
    isLikelySameAgency("Coke County Sheriff's Office", "Cooke County Sheriff's Office"),
    'why the county must match first',
  );
});

t.test('the override file is valid and every entry does something', async (t) => {
  const file = loadAgencyOverridesFile();
  t.ok(file.agencies.length > 0 && file.locations.length > 0, 'both sections present');
  const seen = new Set<string>();
  for (const entry of agencyOverrides()) {
    const from = agencyMatchKeyWithoutOverrides(entry.name, entry.stateCode);
    const to = agencyMatchKeyWithoutOverrides(entry.sameAs, entry.stateCode);
    const problems = [
      findState(entry.stateCode)?.code === entry.stateCode ? null : 'unknown state',
      from !== to ? null : 'the rules alone already fold it: remove the entry',
      seen.has(`${entry.stateCode}|${from}`) ? 'a second entry for the same name' : null,
      agencyMatchKey(entry.name, entry.stateCode) === agencyMatchKey(entry.sameAs, entry.stateCode)
        ? null
        : 'not applied (a cycle?)',
      resolvedAgencyName(entry.name, entry.stateCode) === resolvedAgencyName(entry.sameAs, entry.stateCode)
        ? null
        : 'located under another name',
    ].filter((problem) => problem !== null);
    seen.add(`${entry.stateCode}|${from}`);
    t.same(problems, [], `${entry.stateCode}: ${entry.name} -> ${entry.sameAs}`);
  }
});

t.test('the override file schema refuses entries a reviewer would not accept', async (t) => {
  const valid = {
    stateCode: 'FL',
    name: 'Tampa PD',
    sameAs: 'Tampa Police Department',
    reason: 'A reason long enough to read.',
  };
  const location = {
    stateCode: 'FL',
    name: 'Gulf Stream Police Department',
    countyFips: '12099',
    reason: 'Town of Gulf Stream, Palm Beach County.',
  };
  t.ok(AgencyOverridesFileSchema.safeParse({ agencies: [valid], locations: [location] }).success, 'a valid file');
  const bad: [string, unknown][] = [
    ['unknown state', { agencies: [{ ...valid, stateCode: 'XX' }], locations: [] }],
    ['lower-case state', { agencies: [{ ...valid, stateCode: 'fl' }], locations: [] }],
    ['no reason', { agencies: [{ ...valid, reason: '' }], locations: [] }],
    ['unknown field', { agencies: [{ ...valid, note: 'x' }], locations: [] }],
    ['short FIPS', { agencies: [], locations: [{ ...location, countyFips: '1209' }] }],
    ['lat without lon', { agencies: [], locations: [{ ...location, lat: 27.4 }] }],
    ['missing section', { agencies: [] }],
  ];
  for (const [label, file] of bad) t.notOk(AgencyOverridesFileSchema.safeParse(file).success, label);
});
