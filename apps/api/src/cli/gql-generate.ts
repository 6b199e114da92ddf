import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printCodeFirstSchema } from '../graphql/schema-file.js';

/** `npm run gql:generate`: writes apps/api/schema.graphql (committed; a test fails when it drifts). */
const target = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schema.graphql');
const sdl = await printCodeFirstSchema();
await writeFile(target, sdl);
process.stdout.write(`wrote ${target} (${sdl.split('\n').length} lines)\n`);
